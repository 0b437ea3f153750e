import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../providers/http/clock.js';
import { readBody } from '../read-body.js';
import type { WechatPaySandboxKeys } from '../sandbox-keys.js';
import { handleControl } from './control.js';
import { createFaultInjector } from '../fault-injector.js';
import { InboundAuthError, NonceRegistry, verifyInbound } from './inbound-auth.js';
import { createWechatPaySandboxKeyring, type PlatformSigner, type WechatPaySandboxKeyring } from './keys.js';
import { createRateLimiter, type RateLimitBucket } from './limits.js';
import { Notifier, type NotificationQuirks } from './notifications.js';
import { signatureHeaders } from './response-signing.js';
import { paramError, SandboxApiError } from './api-error.js';
import { createPublicImageHost, PUBLIC_IMAGE_PATH } from './public-images.js';
import { ENDPOINT_NAMES, type Route, type RouteContext, type RouteResult } from './route.js';
import { createComplaintRoutes } from './routes/complaints.js';
import { createFeedbackRoutes } from './routes/feedback.js';
import { createImageRoutes } from './routes/images.js';
import { createNotificationUrlRoutes } from './routes/notification-url.js';
import { createCertificateRoutes } from './routes/certificates.js';
import { createSandboxPlatformCertificates } from './platform-certificates.js';
import { createSeed, SANDBOX_MERCHANTS } from './seed.js';
import { SandboxState } from './state.js';

export interface WechatPaySandboxOptions {
  host?: string;
  port?: number;
  keyMode?: 'public-key' | 'certificate';
  clock?: Clock;
  seed?: boolean;
  enforceRateLimits?: boolean;
  /** Per-minute limits other than the published ones (spec 5.6), per bucket; still per calling mchid. */
  rateLimits?: Partial<Record<RateLimitBucket, number>>;
  notificationTimeScale?: number;
  /** Duplicate deliveries and SIGNTEST probes as the real service sends them; off by default. */
  notificationQuirks?: NotificationQuirks;
  /**
   * Keys made earlier by createWechatPaySandboxKeyring for SANDBOX_MERCHANTS (a test run shares one
   * keyring among its many sandboxes: RSA key generation is the slow part of starting one); default fresh keys.
   */
  keyring?: WechatPaySandboxKeyring;
  /**
   * The account is migrating from platform certificates to the platform public key (spec 5.2): it
   * has both, so an answer to a request that names no `Wechatpay-Serial` is signed with the newest
   * certificate, and notifications come signed by either kind (alternately). Default false.
   */
  migrating?: boolean;
  /** Told the headers of each API request as it arrives, before any check (tests: what the gateway sends, e.g. `traceparent`). */
  onApiRequest?: (headers: IncomingHttpHeaders) => void;
}

export interface WechatPaySandbox {
  readonly baseUrl: string;
  readonly keys: WechatPaySandboxKeys;
  stats(): Record<string, number>;
  /** 429 RATELIMIT_EXCEEDED answers given because a per-minute limit was reached (not injected faults). */
  rateLimited(): number;
  resetStats(): void;
  close(): Promise<void>;
}

const TIMESTAMP_WINDOW_SECONDS = 300;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

class BodyTooLargeError extends Error {}

function requestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** `sign`: the Wechatpay-* headers for the body, when the request's own signature verified. */
function sendError(response: ServerResponse, error: SandboxApiError, sign?: (body: Buffer) => Record<string, string>): void {
  const body = Buffer.from(JSON.stringify({ code: error.code, message: error.message }), 'utf8');
  // Error Request-IDs end in a numeric internal code (spec 5.5).
  response.writeHead(error.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Request-ID': `${requestId()}-${268_000_000 + error.status}`,
    ...sign?.(body),
  });
  response.end(body);
}

/**
 * Every /v3 call must carry `Accept` and a non-empty `User-Agent` (spec 0, real error text). Any
 * Accept value passes: image download documents a wildcard and SDKs send lists. Checked before the
 * signature, route and body (the order WeChat checks in is undocumented: a sandbox choice).
 */
function requireProtocolHeaders(request: IncomingMessage): void {
  const accept = request.headers.accept;
  const userAgent = request.headers['user-agent'];
  if (accept === undefined || accept.trim() === '' || userAgent === undefined || userAgent.trim() === '') {
    throw new SandboxApiError(400, 'INVALID_REQUEST', 'Http头缺少Accept或User-Agent');
  }
}

/**
 * POST and PUT bodies are JSON except the upload's multipart (the one route whose signature covers
 * a part, not the body): they need `Content-Type: application/json`, parameters such as charset
 * allowed (spec 0/3). The answer to another type is undocumented beyond "4xx": 400 INVALID_REQUEST
 * is a sandbox choice (WeChat's status table has no 415).
 */
function checkJsonContentType(method: string, route: Route, contentType: string | undefined): void {
  if ((method !== 'POST' && method !== 'PUT') || route.signedBody !== undefined) return;
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new SandboxApiError(400, 'INVALID_REQUEST', 'Content-Type 必须是 application/json');
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  keys: string[];
}

function compile(route: Route): CompiledRoute {
  const keys: string[] = [];
  const source = route.path.replace(/\{([a-z_]+)\}/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), keys };
}

/** The WeChat Pay complaints 2.0 sandbox: the real protocol over node:http (spec 5.7). */
export async function startWechatPaySandbox(options: WechatPaySandboxOptions = {}): Promise<WechatPaySandbox> {
  const {
    host = '127.0.0.1',
    port = 0,
    keyMode = 'public-key',
    clock = systemClock,
    seed = true,
    enforceRateLimits = true,
    notificationTimeScale = 1,
    notificationQuirks = {},
  } = options;
  const keyring = options.keyring ?? (await createWechatPaySandboxKeyring(SANDBOX_MERCHANTS, keyMode, new Date(clock.now())));
  const certificates = createSandboxPlatformCertificates(keyring, clock);
  const migrating = options.migrating ?? false;
  // Certificate mode, and an account that still has certificates, sign with the newest certificate in
  // force (a rotation replaces it).
  const defaultSigner = (): PlatformSigner => (keyMode === 'certificate' || migrating ? certificates.newestSigner() : undefined) ?? keyring.publicKeySigner;
  // During a migration a notification may come signed by either kind: alternate, so clients meet both.
  let notificationCount = 0;
  const notificationSigner = (): PlatformSigner => (migrating && notificationCount++ % 2 === 1 ? keyring.publicKeySigner : defaultSigner());
  const signerFor = (serial: string): PlatformSigner | undefined =>
    serial === keyring.publicKeySigner.serial ? keyring.publicKeySigner : certificates.signer(serial);
  let baseUrl = '';

  const notifier = new Notifier({ clock, signer: notificationSigner, timeScale: notificationTimeScale, quirks: notificationQuirks });
  const state: SandboxState = new SandboxState({
    clock,
    merchants: SANDBOX_MERCHANTS,
    onAction(complaint, action) {
      const caller = state.callerFor(complaint.complaintedMchid);
      const url = state.notificationUrls.get(caller);
      const credential = keyring.callers.get(caller);
      if (url !== undefined && credential !== undefined) notifier.send({ url, apiV3Key: credential.apiV3Key }, complaint.complaintId, action);
    },
  });
  const nonces = new NonceRegistry();
  const limiter = createRateLimiter(options.rateLimits);
  let rateLimited = 0;
  const faults = createFaultInjector();
  let counters: Record<string, number> = {};
  const resetStats = (): void => {
    counters = Object.fromEntries(ENDPOINT_NAMES.map((name) => [name, 0]));
    rateLimited = 0;
  };
  const reset = (): void => {
    notifier.cancelPending();
    state.load(seed ? createSeed(clock.now()) : { complaints: [], media: new Map() });
    nonces.clear();
    limiter.clear();
    faults.clear();
    resetStats();
  };
  reset();

  const publicImages = createPublicImageHost({ clock, baseUrl: () => baseUrl, image: (mediaId) => state.media.get(mediaId) });
  const context: RouteContext = {
    state,
    callerKey(mchid) {
      const credential = keyring.callers.get(mchid);
      if (credential === undefined) throw new SandboxApiError(500, 'SYSTEM_ERROR', 'unknown caller');
      return credential.publicKey;
    },
    baseUrl: () => baseUrl,
    publicImageUrl: (mediaId) => publicImages.url(mediaId),
  };
  const routes = [
    ...createComplaintRoutes(context),
    ...createFeedbackRoutes(context),
    ...createNotificationUrlRoutes(context),
    ...createImageRoutes(context),
    ...createCertificateRoutes({ certificates, clock, callers: keyring.callers }),
  ].map(compile);

  // The answer is signed with the key the request names in Wechatpay-Serial when the sandbox owns it.
  const answerSigner = (request: IncomingMessage): PlatformSigner => {
    const asked = request.headers['wechatpay-serial'];
    return (typeof asked === 'string' ? signerFor(asked) : undefined) ?? defaultSigner();
  };
  /**
   * Requests whose signature verified. WeChat signs every answer to such a request, errors included
   * ("如果验证商户的请求签名正确，微信支付会在应答的HTTP头部中包括应答签名", APIv3 signature guide; the spec
   * is silent): a 401 SIGN_ERROR, and a refusal before the signature is checked, come unsigned.
   */
  const verifiedRequests = new WeakSet<IncomingMessage>();

  function respond(request: IncomingMessage, response: ServerResponse, result: RouteResult, tamper: boolean): void {
    if ('media' in result) {
      // Media downloads are not signed (spec 3.10).
      response.writeHead(200, { 'Content-Type': result.media.contentType, 'Content-Length': result.media.bytes.length, 'Request-ID': requestId() });
      response.end(result.media.bytes);
      return;
    }
    const body = result.status === 204 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(result.json), 'utf8');
    const headers: Record<string, string | number> = { 'Request-ID': requestId(), ...signatureHeaders(body, answerSigner(request), clock, tamper) };
    if (result.status === 200) headers['Content-Type'] = 'application/json; charset=utf-8';
    response.writeHead(result.status, headers);
    response.end(body);
  }

  async function handleProviderApi(request: IncomingMessage, response: ServerResponse, target: string, body: Buffer): Promise<void> {
    options.onApiRequest?.(request.headers);
    requireProtocolHeaders(request);
    const method = request.method ?? 'GET';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    let matched: { compiled: CompiledRoute; match: RegExpExecArray } | undefined;
    for (const compiled of routes) {
      const match = compiled.route.method === method ? compiled.pattern.exec(path) : null;
      if (match !== null) {
        matched = { compiled, match };
        break;
      }
    }
    if (matched === undefined) throw new SandboxApiError(404, 'NOT_FOUND', '请求的接口不存在');
    const { route, keys } = matched.compiled;
    checkJsonContentType(method, route, request.headers['content-type']);
    const signedBody = route.signedBody === undefined ? body : route.signedBody(body, request.headers);
    let caller: string;
    try {
      caller = verifyInbound(
        { method, target, body: signedBody, authorization: request.headers.authorization },
        {
          nowSeconds: Math.floor(clock.now() / 1000),
          windowSeconds: TIMESTAMP_WINDOW_SECONDS,
          lookupKey: (mchid, serialNo) => {
            const credential = keyring.callers.get(mchid);
            return credential?.serialNo === serialNo ? credential.publicKey : undefined;
          },
          nonces,
        },
      );
    } catch (error) {
      if (error instanceof InboundAuthError) throw new SandboxApiError(401, 'SIGN_ERROR', error.message);
      throw error;
    }
    verifiedRequests.add(request);
    counters[route.name] = (counters[route.name] ?? 0) + 1;

    const applied = faults.take(route.name);
    if (applied.latencyMs > 0) await sleep(applied.latencyMs);
    if (applied.drop) {
      request.socket.destroy();
      return;
    }
    if (applied.status !== null) {
      const code =
        applied.status >= 500
          ? applied.status === 500
            ? 'SYSTEM_ERROR'
            : 'SERVICE_UNAVAILABLE'
          : applied.status === 429
            ? 'RATELIMIT_EXCEEDED'
            : 'INVALID_REQUEST';
      if (applied.status === 429) response.setHeader('Retry-After', '1');
      throw new SandboxApiError(applied.status, code, '注入的故障（sandbox fault）');
    }
    if (enforceRateLimits) {
      const retryAfter = limiter.take(caller, route.name, clock.now());
      if (retryAfter !== null) {
        rateLimited += 1;
        response.setHeader('Retry-After', String(retryAfter));
        throw new SandboxApiError(429, 'RATELIMIT_EXCEEDED', '请求频率超过限制，请稍后再试');
      }
    }
    const params = Object.fromEntries(keys.map((key, index) => [key, matched.match[index + 1] ?? '']));
    const result = route.handle({
      caller,
      params,
      query: new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1)),
      body,
      headers: request.headers,
    });
    if (applied.answerDelayMs > 0) await sleep(applied.answerDelayMs);
    if (applied.dropAnswer) {
      request.socket.destroy();
      return;
    }
    respond(request, response, result, applied.tamper);
  }

  async function handleControlApi(request: IncomingMessage, response: ServerResponse, path: string, body: Buffer): Promise<void> {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) throw new SandboxApiError(403, 'NO_AUTH', 'the control API is loopback only');
    let parsed: unknown = {};
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw paramError('body is not JSON');
      }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw paramError('body must be a JSON object');
    const result = await handleControl(
      { state, faults, reset, stats: () => ({ ...counters }), rotateCertificate: certificates.rotate },
      request.method ?? 'GET',
      path,
      parsed as Record<string, unknown>,
    );
    if (result.json === undefined) {
      response.writeHead(result.status);
      response.end();
      return;
    }
    response.writeHead(result.status, { 'Content-Type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(result.json));
  }

  const server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request, MAX_BODY_BYTES, () => new BodyTooLargeError());
        // req.url is the request target as received: percent-encoding intact, as it was signed.
        const target = request.url ?? '/';
        if (target.startsWith('/sandbox/')) await handleControlApi(request, response, target.split('?')[0] ?? target, body);
        // History image_list URLs: a plain public host, outside the signed /v3 API (public-images.ts).
        else if (target.startsWith(PUBLIC_IMAGE_PATH)) publicImages.handle(request, response, target);
        else await handleProviderApi(request, response, target, body);
      } catch (error) {
        if (response.headersSent || response.destroyed) return;
        if (error instanceof SandboxApiError)
          sendError(response, error, verifiedRequests.has(request) ? (body) => signatureHeaders(body, answerSigner(request), clock) : undefined);
        else if (error instanceof BodyTooLargeError) {
          response.setHeader('Connection', 'close');
          sendError(response, new SandboxApiError(400, 'INVALID_REQUEST', '请求体过大'));
        } else sendError(response, new SandboxApiError(500, 'SYSTEM_ERROR', '系统错误'));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const keys: WechatPaySandboxKeys = { baseUrl, ...keyring.published, keyMode };

  return {
    baseUrl,
    keys,
    stats: () => ({ ...counters }),
    rateLimited: () => rateLimited,
    resetStats,
    async close() {
      notifier.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
