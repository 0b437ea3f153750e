import { upstreamObservationHooks, upstreamTracingHooks, type UpstreamObserver } from '../http/upstream-observation.js';
import type { KeyObject } from 'node:crypto';
import got, { HTTPError, type Got, type Method } from 'got';
import type { z } from 'zod';
import { OutcomeUnknownError, ProviderError, ValidationError, type GatewayError } from '../../domain/errors.js';
import type { Clock } from '../http/clock.js';
import type { AccountBudgets } from '../http/account-budgets.js';
import { GATEWAY_USER_AGENT } from '../http/user-agent.js';
import { cappedStream } from '../http/capped-stream.js';
import { NO_RETRY, readRetryPolicy } from '../http/retry.js';
import { isNetworkFailure, mayHaveBeenApplied, outcomeUnknown, transportError } from '../http/to-provider-error.js';
import { ENDPOINTS, MEDIA_PATH_PREFIX, type EndpointName, type QuotaName } from './endpoints.js';
import { fromProtocolError, toDomainError } from './error-codes.js';
import { WechatPayProtocolError } from './protocol/errors.js';
import { detectImageType, imageContentType } from '../image-type.js';
import { MAX_IMAGE_BYTES, prepareImageUpload } from './protocol/image.js';
import { certificateDownloadSchema, type CertificateDownload } from './protocol/platform-certificate.js';
import { createRequestSigner } from './protocol/signer.js';
import type { Verifier } from './protocol/verifier.js';
import {
  complaintInfoSchema,
  complaintListSchema,
  errorBodySchema,
  immediateReplySchema,
  negotiationHistorySchema,
  notificationConfigSchema,
  uploadResultSchema,
  type WireNormalMessage,
} from './wire.js';

export interface WechatPayClientOptions {
  baseUrl: string;
  /** api2 access point; reads fail over to it on network errors. */
  backupBaseUrl?: string;
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
  verifier: Verifier;
  /**
   * Sent as `Wechatpay-Serial`: the platform key (PUB_KEY_ID_... or certificate serial) this
   * client can verify with, so WeChat signs its answer with that one during a key rotation. A
   * function is asked on every call: downloaded platform certificates change it.
   */
  acceptSerial?: string | (() => string | undefined);
  clock: Clock;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Retries of a read after the first attempt; default 2. */
  readRetries?: number;
  /** The account's per-minute budgets (queueing included): every call waits for its share first. */
  budgets: AccountBudgets<QuotaName>;
  /** Observes every attempt (endpoint name), for metrics and tests. */
  onRequest?: (endpoint: EndpointName) => void;
  onUpstreamCall?: UpstreamObserver;
}

export interface ListQuery {
  begin_date: string;
  end_date: string;
  limit: number;
  offset: number;
  complainted_mchid?: string;
}

export interface ReplyBody {
  complainted_mchid: string;
  response_content: string;
  response_images?: string[];
  jump_url?: string;
  jump_url_text?: string;
  mini_program_jump_info?: { appid: string; path: string; text: string };
}

export interface RefundProgressBody {
  action: 'APPROVE' | 'REJECT';
  launch_refund_day?: number;
  reject_reason?: string;
  reject_media_list?: string[];
  remark?: string;
}

export interface MediaStream {
  contentType: string;
  contentLength: number | null;
  body: AsyncIterable<Uint8Array>;
}

interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  multipart?: MultipartBody;
}

/** A prepared multipart body with its signed part (image upload: the meta JSON). */
interface MultipartBody {
  body: Buffer;
  contentType: string;
  signedBody: string;
}

const PROVIDER = 'WECHAT_PAY';

function expandPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new ValidationError(`${name} must not be empty`, name);
    return encodeURIComponent(value);
  });
}

function queryString(query: CallOptions['query'] = {}): string {
  const pairs = Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorFromAnswer(status: number, body: Buffer, retryAfter: string | undefined): GatewayError {
  let code: string | null = null;
  let message: string | null = null;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body.toString('utf8')));
    if (parsed.success) {
      code = parsed.data.code;
      message = parsed.data.message ?? null;
    }
  } catch {
    // Not JSON (a proxy's HTML page): the status alone decides.
  }
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return toDomainError({ httpStatus: status, code, message, retryAfterSeconds: seconds });
}

function multipartUpload(filename: string, bytes: Uint8Array, clock: Clock): MultipartBody {
  const image = prepareImageUpload(filename, bytes);
  const boundary = `----complaint-gateway-${clock.nonce(24)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n${image.meta}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${image.filename}"\r\nContent-Type: ${imageContentType(image.type)}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, signedBody: image.meta };
}

function imageTooLarge(maxBytes: number, httpStatus: number | null): ProviderError {
  return new ProviderError(`The image is larger than ${maxBytes} bytes`, { provider: PROVIDER, providerCode: 'MEDIA_TOO_LARGE', httpStatus, retryable: false });
}

/** Caps the image stream and checks its first bytes: the download answer is not signed. */
async function* checkedImage(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let checked = false;
  for await (const chunk of cappedStream(source, maxBytes, () => imageTooLarge(maxBytes, null))) {
    if (!checked) {
      if (detectImageType(chunk) === null)
        throw new ProviderError('The media answer is not an image', {
          provider: PROVIDER,
          providerCode: 'MEDIA_NOT_IMAGE',
          httpStatus: null,
          retryable: false,
        });
      checked = true;
    }
    yield chunk;
  }
}

/** One merchant's view of its account's client: every call counts against that merchant's budget share. */
export type WechatPayClient = ReturnType<ReturnType<typeof createWechatPayClient>['forMerchant']>;

/**
 * One typed function per complaints 2.0 endpoint, for one calling account (mchid). Calls are made
 * through a view that says whom they are for, so that the account's budgets are divided fairly:
 * `forMerchant(no)` for a merchant the account serves, `forAccount()` for the account's own calls.
 */
export function createWechatPayClient(options: WechatPayClientOptions) {
  const { mchid, verifier, clock, timeoutMs = 10_000, readRetries = 2, budgets, onRequest } = options;
  const acceptSerial = (): string | undefined => (typeof options.acceptSerial === 'function' ? options.acceptSerial() : options.acceptSerial);
  const sign = createRequestSigner({ mchid, serialNo: options.serialNo, privateKey: options.privateKey, clock });

  const http: Got = got.extend(upstreamObservationHooks('WECHAT_PAY', options.onUpstreamCall), upstreamTracingHooks('WECHAT_PAY'), {
    // On every call, JSON, multipart upload and media download alike: WeChat answers a call without
    // Accept or User-Agent with 400 INVALID_REQUEST (spec 0). Each call sets its own Accept too.
    headers: { 'user-agent': GATEWAY_USER_AGENT, accept: 'application/json' },
    timeout: { request: timeoutMs },
    throwHttpErrors: true,
    followRedirect: false,
    hooks: {
      // Runs before every attempt, retries included: each gets a fresh timestamp and nonce.
      beforeRequest: [
        (request) => {
          const context = request.context as { signedBody?: string; endpoint?: EndpointName };
          const url = request.url as URL;
          const body = context.signedBody ?? (typeof request.body === 'string' ? request.body : '');
          request.headers['authorization'] = sign(String(request.method), `${url.pathname}${url.search}`, body);
          if (context.endpoint !== undefined) onRequest?.(context.endpoint);
        },
      ],
    },
  });

  /** Throws a WechatPayProtocolError when the answer's WeChat signature is missing or does not verify. */
  function verifySignature(response: { headers: Record<string, string | string[] | undefined>; body: Buffer }): void {
    verifier({
      timestamp: header(response.headers, 'wechatpay-timestamp'),
      nonce: header(response.headers, 'wechatpay-nonce'),
      signature: header(response.headers, 'wechatpay-signature'),
      serial: header(response.headers, 'wechatpay-serial'),
      body: response.body.toString('utf8'),
    });
  }

  async function attempt(baseUrl: string, name: EndpointName, target: string, call: CallOptions): Promise<{ status: number; body: Buffer }> {
    const spec = ENDPOINTS[name];
    const serial = acceptSerial();
    const jsonBody = call.json === undefined ? undefined : JSON.stringify(call.json);
    const response = await http(`${baseUrl}${target}`, {
      method: spec.method as Method,
      responseType: 'buffer',
      retry: spec.changesState ? NO_RETRY : readRetryPolicy({ limit: readRetries, maxDelayMs: 5_000 }),
      context: { endpoint: name, ...(call.multipart ? { signedBody: call.multipart.signedBody } : {}) },
      headers: {
        accept: 'application/json',
        ...(serial === undefined ? {} : { 'wechatpay-serial': serial }),
        ...(jsonBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(call.multipart ? { 'content-type': call.multipart.contentType } : {}),
      },
      ...(jsonBody !== undefined ? { body: jsonBody } : call.multipart ? { body: call.multipart.body } : {}),
    });
    if (spec.signed) {
      try {
        verifySignature(response);
      } catch (error) {
        // A write answered with a 2xx we cannot trust may still have been applied.
        if (error instanceof WechatPayProtocolError) throw spec.changesState ? outcomeUnknown(PROVIDER, error) : fromProtocolError(error, 'answer');
        throw error;
      }
    }
    return { status: response.statusCode, body: response.body };
  }

  /** `owner`: the merchant the call is made for; null for the account's own calls. */
  async function call(name: EndpointName, owner: string | null, callOptions: CallOptions = {}): Promise<Buffer> {
    const spec = ENDPOINTS[name];
    const target = `${expandPath(spec.path, callOptions.params)}${queryString(callOptions.query)}`;
    await budgets.acquire(spec.quota, owner);
    try {
      return (await attempt(options.baseUrl, name, target, callOptions)).body;
    } catch (error) {
      // A read that never reached WeChat may try the other access point; a write never does.
      if (options.backupBaseUrl && !spec.changesState && isNetworkFailure(error)) {
        try {
          return (await attempt(options.backupBaseUrl, name, target, callOptions)).body;
        } catch (backupError) {
          throw toClientError(backupError);
        }
      }
      throw spec.changesState && mayHaveBeenApplied(error) ? outcomeUnknown(PROVIDER, error) : toClientError(error);
    }
  }

  function toClientError(error: unknown): Error {
    if (error instanceof ProviderError || error instanceof ValidationError || error instanceof OutcomeUnknownError) return error;
    if (error instanceof HTTPError) {
      return errorFromAnswer(error.response.statusCode, error.response.body as Buffer, header(error.response.headers, 'retry-after'));
    }
    return transportError(error, PROVIDER);
  }

  /**
   * Readiness: one unretried GET of the account's notification URL. A 2xx answer is verified as every
   * answer is; a 404 or 400 ("no URL set") shows that WeChat took our signature, and is verified too
   * when it carries a signature (WeChat documents neither way; SDKs verify 2xx only, spec 5.2).
   * Resolves `verified` when an answer's signature checked out, `accepted` when only our request was
   * shown good. Throws what a call throws: a refusal (401, 403), a transport or protocol failure.
   */
  async function probeCredentials(): Promise<'verified' | 'accepted'> {
    const name = 'getNotificationUrl';
    const spec = ENDPOINTS[name];
    await budgets.acquire(spec.quota, null);
    const serial = acceptSerial();
    let response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
    try {
      response = await http(`${options.baseUrl}${spec.path}`, {
        method: spec.method,
        responseType: 'buffer',
        retry: NO_RETRY,
        throwHttpErrors: false,
        context: { endpoint: name },
        headers: { accept: 'application/json', ...(serial === undefined ? {} : { 'wechatpay-serial': serial }) },
      });
    } catch (error) {
      throw transportError(error, PROVIDER);
    }
    const { statusCode } = response;
    const answered = statusCode >= 200 && statusCode < 300;
    if (!answered && statusCode !== 404 && statusCode !== 400) throw errorFromAnswer(statusCode, response.body, header(response.headers, 'retry-after'));
    try {
      verifySignature(response);
      return 'verified';
    } catch (error) {
      if (!(error instanceof WechatPayProtocolError)) throw error;
      // An error answer signed otherwise (or not at all) proves nothing either way about our platform keys.
      if (answered) throw fromProtocolError(error, 'answer');
      return 'accepted';
    }
  }

  /** `written`: the answer is to a write, which a malformed answer leaves applied or not. */
  function parse<T extends z.ZodType>(schema: T, body: Buffer, what: string, written = false): z.infer<T> {
    const malformed = (problem: string): Error => {
      const error = new ProviderError(`WeChat Pay ${what} answer ${problem}`, {
        provider: PROVIDER,
        providerCode: 'MALFORMED_ANSWER',
        httpStatus: 200,
        retryable: false,
      });
      return written ? outcomeUnknown(PROVIDER, error) : error;
    };
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw malformed('is not JSON');
    }
    const result = schema.safeParse(json);
    if (!result.success) throw malformed('has an unexpected shape');
    return result.data;
  }

  const complaint = (id: string): Record<string, string> => ({ complaint_id: id });

  const callsFor = (owner: string | null) => ({
    /** The calling account's mchid (a service provider's, for its sub-merchants). */
    mchid,
    async listComplaints(query: ListQuery) {
      return parse(complaintListSchema, await call('listComplaints', owner, { query: { ...query } }), 'list');
    },
    async getComplaint(complaintId: string) {
      return parse(complaintInfoSchema, await call('getComplaint', owner, { params: complaint(complaintId) }), 'detail');
    },
    async getNegotiationHistory(complaintId: string, page: { limit: number; offset: number }) {
      return parse(negotiationHistorySchema, await call('getNegotiationHistory', owner, { params: complaint(complaintId), query: page }), 'history');
    },
    async reply(complaintId: string, body: ReplyBody): Promise<void> {
      await call('reply', owner, { params: complaint(complaintId), json: body });
    },
    async complete(complaintId: string, complaintedMchid: string): Promise<void> {
      await call('complete', owner, { params: complaint(complaintId), json: { complainted_mchid: complaintedMchid } });
    },
    async updateRefundProgress(complaintId: string, body: RefundProgressBody): Promise<void> {
      await call('updateRefundProgress', owner, { params: complaint(complaintId), json: body });
    },
    async replyImmediately(complaintId: string, body: { complainted_mchid: string; message: WireNormalMessage; idempotent_id: string }) {
      return parse(immediateReplySchema, await call('replyImmediately', owner, { params: complaint(complaintId), json: body }), 'immediate reply', true);
    },
    async createNotificationUrl(url: string) {
      return parse(notificationConfigSchema, await call('createNotificationUrl', owner, { json: { url } }), 'notification URL');
    },
    async getNotificationUrl() {
      return parse(notificationConfigSchema, await call('getNotificationUrl', owner), 'notification URL');
    },
    async updateNotificationUrl(url: string) {
      return parse(notificationConfigSchema, await call('updateNotificationUrl', owner, { json: { url } }), 'notification URL');
    },
    async deleteNotificationUrl(): Promise<void> {
      await call('deleteNotificationUrl', owner);
    },
    /**
     * The platform certificates, still encrypted. The answer is verified like every answer, i.e.
     * only with keys trusted before this call: the certificates it carries cannot vouch for it.
     */
    async downloadCertificates(): Promise<CertificateDownload> {
      return parse(certificateDownloadSchema, await call('downloadCertificates', owner), 'certificates');
    },
    async uploadImage(filename: string, bytes: Uint8Array) {
      return parse(uploadResultSchema, await call('uploadImage', owner, { multipart: multipartUpload(filename, bytes, clock) }), 'upload');
    },
    /**
     * Signs the media URL's path exactly as WeChat wrote it (already percent-encoded, ids may hold
     * `/`, `+`, `=`) and sends it to the configured host only, whatever host the URL names.
     */
    async downloadMedia(mediaUrl: string, maxBytes = MAX_IMAGE_BYTES): Promise<MediaStream> {
      let url: URL;
      try {
        url = new URL(mediaUrl);
      } catch {
        throw new ValidationError('Not a media URL', 'mediaUrl');
      }
      if (!url.pathname.startsWith(MEDIA_PATH_PREFIX) || url.pathname.length === MEDIA_PATH_PREFIX.length) {
        throw new ValidationError('Not a WeChat Pay complaint media URL', 'mediaUrl');
      }
      await budgets.acquire('media', owner);
      const stream = http.stream(`${options.baseUrl}${url.pathname}${url.search}`, {
        method: 'GET',
        headers: { accept: '*/*' },
        context: { endpoint: 'downloadMedia' },
        retry: NO_RETRY,
      });
      const response = await new Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      }).catch(async (error: unknown) => {
        if (error instanceof HTTPError) {
          throw errorFromAnswer(error.response.statusCode, Buffer.alloc(0), undefined);
        }
        throw transportError(error, PROVIDER);
      });
      const length = header(response.headers, 'content-length');
      const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
      if (declared !== null && declared > maxBytes) {
        stream.destroy();
        throw imageTooLarge(maxBytes, response.statusCode);
      }
      return {
        contentType: header(response.headers, 'content-type') ?? 'application/octet-stream',
        contentLength: declared,
        body: checkedImage(stream, maxBytes),
      };
    },
  });

  return {
    mchid,
    probeCredentials,
    forMerchant: (merchantNo: string) => callsFor(merchantNo),
    /** Calls the account makes for itself (a notification's owner lookup): they draw on the shared pool only. */
    forAccount: () => callsFor(null),
  };
}
