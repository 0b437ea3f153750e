import { upstreamObservationHooks, upstreamTracingHooks, type QuotaObserver, type UpstreamObserver } from '../http/upstream-observation.js';
import type { KeyObject } from 'node:crypto';
import got, { HTTPError, RequestError, type Got } from 'got';
import type { z } from 'zod';
import { ProviderError } from '../../domain/errors.js';
import type { Clock } from '../http/clock.js';
import { createQuota } from '../http/quota.js';
import { NO_RETRY, readRetryPolicy } from '../http/retry.js';
import { mayHaveBeenApplied, outcomeUnknown, transportError } from '../http/to-provider-error.js';
import { endpointPath, HUISHOUQIAN_ENDPOINTS, isEndpointName, type HuishouqianEndpointName, type HuishouqianUrlShape } from './endpoints.js';
import { fromProtocolError, SUCCESS_CODES, UNSURE_CODES } from './error-codes.js';
import { verifyAnswer } from './protocol/answer.js';
import { ErrorAnswerError, HuishouqianProtocolError, MalformedAnswerError } from './protocol/errors.js';
import { createRequestSigner, type SignatureScheme } from './protocol/signer.js';
import {
  commitResultSchema,
  downloadResultSchema,
  historyResultSchema,
  queryResultSchema,
  uploadResultSchema,
  type ComplaintCommitCompleteRequest,
  type ComplaintCommitResponseRequest,
  type ComplaintFileDownloadRequest,
  type ComplaintFileUploadRequest,
  type ComplaintQueryHistoryRequest,
  type ComplaintQueryRequest,
} from './wire.js';

export interface HuishouqianClientOptions {
  baseUrl: string;
  merchantNo: string;
  privateKey: KeyObject;
  signKey: string;
  platformPublicKey: KeyObject;
  scheme: SignatureScheme;
  clock: Clock;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Retries of a read after the first attempt; default 2. */
  readRetries?: number;
  /** Huishouqian publishes no limit; this keeps a runaway loop from hammering it. */
  perMinute?: number;
  /** Observes every attempt (endpoint name), for metrics and tests. */
  onRequest?: (endpoint: HuishouqianEndpointName) => void;
  onUpstreamCall?: UpstreamObserver;
  onQuotaRemaining?: QuotaObserver;
  /** Default `per-method`, as documented. */
  urlShape?: HuishouqianUrlShape;
}

const PROVIDER = 'HUISHOUQIAN';

/**
 * The one conversion of a failed call into a domain error. A write whose answer is lost, a 5xx,
 * or an answer that is unreadable, unverifiable or "result unknown" may have been applied: it
 * becomes OutcomeUnknownError, never a retry.
 */
function toClientError(error: unknown, endpoint: HuishouqianEndpointName): Error {
  const { changesState } = HUISHOUQIAN_ENDPOINTS[endpoint];
  // Failures raised in a hook reach here wrapped by got.
  const cause = error instanceof RequestError && error.cause instanceof HuishouqianProtocolError ? error.cause : error;
  if (cause instanceof HuishouqianProtocolError) {
    const domain = fromProtocolError(cause, 'answer');
    const unsure = !(cause instanceof ErrorAnswerError) || UNSURE_CODES.has(cause.errorCode ?? '');
    return changesState && unsure ? outcomeUnknown(PROVIDER, domain) : domain;
  }
  if (changesState && mayHaveBeenApplied(error)) return outcomeUnknown(PROVIDER, error);
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    return new ProviderError(`Huishouqian answered HTTP ${status}`, {
      provider: PROVIDER,
      providerCode: null,
      httpStatus: status,
      retryable: status >= 500 || status === 429,
    });
  }
  return transportError(error, PROVIDER);
}

export type HuishouqianClient = ReturnType<typeof createHuishouqianClient>;

/**
 * One merchant's calls, one typed function per endpoint. Every call posts the signed envelope as a
 * form; the hooks sign it, verify the answer's sign before anything reads it, and convert failures.
 */
export function createHuishouqianClient(options: HuishouqianClientOptions) {
  const { baseUrl, merchantNo, signKey, platformPublicKey, scheme, timeoutMs = 10_000, readRetries = 2, onRequest, urlShape = 'per-method' } = options;
  const quota = createQuota({
    limit: options.perMinute ?? 600,
    intervalMs: 60_000,
    maxQueueMs: 10_000,
    clock: options.clock,
    ...(options.onQuotaRemaining === undefined
      ? {}
      : { onRemaining: (key: string, left: number) => options.onQuotaRemaining?.(merchantNo, key.slice(merchantNo.length + 1), left) }),
  });
  const sign = createRequestSigner({ merchantNo, privateKey: options.privateKey, signKey, scheme });

  const http: Got = got.extend(upstreamObservationHooks('HUISHOUQIAN', options.onUpstreamCall), upstreamTracingHooks('HUISHOUQIAN'), {
    method: 'POST',
    responseType: 'text',
    timeout: { request: timeoutMs },
    followRedirect: false,
    headers: { accept: 'application/json' },
    hooks: {
      // Before every attempt. RSA2 has no timestamp or nonce, so a retried read sends the same bytes.
      beforeRequest: [
        (request) => {
          const { endpoint, signContent } = request.context;
          if (!isEndpointName(endpoint) || typeof signContent !== 'string') throw new TypeError('A Huishouqian call names its endpoint and content');
          const body = sign(HUISHOUQIAN_ENDPOINTS[endpoint].method, signContent);
          request.body = body;
          request.headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
          request.headers['content-length'] = String(Buffer.byteLength(body));
          onRequest?.(endpoint);
        },
      ],
      // 4xx and 5xx become got's HTTPError (reads retry 5xx); any other answer, a 3xx included, must verify.
      afterResponse: [
        (response) => {
          if (response.statusCode >= 400) return response;
          response.body = verifyAnswer(String(response.body), { signKey, platformPublicKey, scheme });
          return response;
        },
      ],
      beforeError: [
        (error) => {
          const endpoint = error.options.context['endpoint'];
          return isEndpointName(endpoint) ? toClientError(error, endpoint) : error;
        },
      ],
    },
  });

  /** Posts one call; resolves with the verified `result` text. */
  async function send(endpoint: HuishouqianEndpointName, business: object): Promise<string> {
    await quota.acquire(`${merchantNo}:${endpoint}`);
    const response = await http(`${baseUrl}${endpointPath(endpoint, urlShape)}`, {
      context: { endpoint, signContent: JSON.stringify({ merchantNo, ...business }) },
      retry: HUISHOUQIAN_ENDPOINTS[endpoint].changesState ? NO_RETRY : readRetryPolicy({ limit: readRetries, maxDelayMs: 5_000, methods: ['POST'] }),
    });
    return response.body;
  }

  function parse<T extends z.ZodType>(endpoint: HuishouqianEndpointName, text: string, schema: T): z.infer<T> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw toClientError(new MalformedAnswerError('The answer result is not JSON'), endpoint);
    }
    const result = schema.safeParse(json);
    if (!result.success) throw toClientError(new MalformedAnswerError(`The ${endpoint} result has an unexpected shape`), endpoint);
    return result.data;
  }

  /** Writes answer success=true and carry their own outcome in `respCode` (spec 1.5, OPEN 4). */
  async function commit(endpoint: 'commitResponse' | 'commitComplete', business: object): Promise<void> {
    const result = parse(endpoint, await send(endpoint, business), commitResultSchema);
    if (!SUCCESS_CODES.has(result.respCode)) throw toClientError(new ErrorAnswerError(result.respCode, result.respDesc ?? null), endpoint);
  }

  return {
    merchantNo,
    async queryComplaints(request: ComplaintQueryRequest) {
      return parse('queryComplaints', await send('queryComplaints', request), queryResultSchema);
    },
    async queryHistory(request: ComplaintQueryHistoryRequest) {
      return parse('queryHistory', await send('queryHistory', request), historyResultSchema);
    },
    async commitResponse(request: ComplaintCommitResponseRequest): Promise<void> {
      await commit('commitResponse', request);
    },
    async commitComplete(request: ComplaintCommitCompleteRequest): Promise<void> {
      await commit('commitComplete', request);
    },
    async uploadFile(request: ComplaintFileUploadRequest) {
      return parse('uploadFile', await send('uploadFile', request), uploadResultSchema);
    },
    async downloadFile(request: ComplaintFileDownloadRequest) {
      return parse('downloadFile', await send('downloadFile', request), downloadResultSchema);
    },
  };
}
