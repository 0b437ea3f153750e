import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../providers/http/clock.js';
import { readBody } from '../read-body.js';
import type { HuishouqianSandboxKeys } from '../sandbox-keys.js';
import { BusinessError, invalidParameter } from './business-error.js';
import { handleControl } from './control.js';
import { createFaultInjector } from '../fault-injector.js';
import { generateHuishouqianCredentials, publishedKeys, type HuishouqianSandboxCredentials } from './keys.js';
import { createNotifier } from './notifications.js';
import { ENDPOINT_NAMES, ENDPOINTS, endpointAtPath, endpointForMethod, GENERIC_PATH, type EndpointName, type Handler, type RouteContext } from './route.js';
import { createComplaintRoutes } from './routes/complaints.js';
import { createFeedbackRoutes } from './routes/feedback.js';
import { createFileRoutes } from './routes/files.js';
import { seedComplaints } from './seed.js';
import { signAnswer, verifyRequestSign } from './signing.js';
import { SandboxState } from './state.js';

export interface HuishouqianSandboxOptions {
  host?: string;
  port?: number;
  clock?: Clock;
  seed?: boolean;
  /** Multiplies the notification retry schedule; tests use ~0.001. */
  notificationTimeScale?: number;
  /** Keys made earlier (a test run shares one set among its sandboxes: RSA key generation is slow); default fresh keys. */
  credentials?: HuishouqianSandboxCredentials;
  /** Told the headers of each API request as it arrives, before any check (tests: what the gateway sends, e.g. `traceparent`). */
  onApiRequest?: (headers: IncomingHttpHeaders) => void;
}

export interface HuishouqianSandbox {
  readonly baseUrl: string;
  readonly keys: HuishouqianSandboxKeys;
  stats(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

interface Answer {
  success: boolean;
  result?: string;
  errorCode?: string;
  errorMsg?: string;
}

const MAX_BODY = 4 * 1024 * 1024;
// Answered with a bare 500: the envelope is unread, so there is no merchant to sign an answer for.
const tooLarge = (): Error => new Error('request body too large');

function businessOf(signContent: string | undefined): Record<string, unknown> {
  let business: unknown;
  try {
    business = JSON.parse(signContent ?? '');
  } catch {
    throw invalidParameter('signContent 不是合法的 JSON');
  }
  if (typeof business !== 'object' || business === null) throw invalidParameter('signContent 不是对象');
  return business as Record<string, unknown>;
}

/**
 * The business JSON repeats `merchantNo` (spec 6.8). The envelope's merchant signed the call, so a
 * different number inside is another known merchant's (130004 mismatch) or nobody's (130005), per
 * seed 003's codes. Absent: the envelope's.
 */
function checkBusinessMerchant(inner: unknown, merchantNo: string, merchants: ReadonlyMap<string, unknown>): void {
  if (inner === undefined || inner === merchantNo) return;
  if (typeof inner === 'string' && merchants.has(inner)) throw new BusinessError('130004', '商户号不匹配');
  throw new BusinessError('130005', '商户号不存在');
}

/** Starts the Huishouqian sandbox: same envelope, RSA2 signing, codes and state as described in the spec. */
export async function startHuishouqianSandbox(options: HuishouqianSandboxOptions = {}): Promise<HuishouqianSandbox> {
  const { host = '127.0.0.1', port = 0, clock = systemClock, seed = true, notificationTimeScale = 1 } = options;
  const credentials = options.credentials ?? generateHuishouqianCredentials();
  const merchants = new Map(credentials.merchants.map((m) => [m.merchantNo, m]));
  const notifier = createNotifier({ platformKey: credentials.platformPrivateKey, timeScale: notificationTimeScale });
  const state: SandboxState = new SandboxState({
    clock,
    onAction(complaint, action) {
      const merchant = merchants.get(complaint.merchantNo);
      if (state.notificationUrl === null || merchant === undefined) return;
      notifier.send({ url: state.notificationUrl, merchantNo: merchant.merchantNo, signKey: merchant.signKey }, complaint.complaintId, action);
    },
  });
  const faults = createFaultInjector();
  let counts: Record<string, number> = {};
  const reset = (): void => {
    state.load(seed ? seedComplaints([...merchants.keys()], clock.now()) : []);
    counts = Object.fromEntries(ENDPOINT_NAMES.map((name) => [name, 0]));
    faults.clear();
  };
  reset();

  const context: RouteContext = { state, agentMerchantNo: credentials.agentMerchantNo };
  const handlers: Record<EndpointName, Handler> = { ...createComplaintRoutes(context), ...createFeedbackRoutes(context), ...createFileRoutes(context) };

  /** Every answer is signed with the caller's sign key; an unknown merchant's with an empty one. */
  const answer = (response: ServerResponse, merchantNo: string | undefined, body: Answer, tamper = false): void => {
    const signKey = (merchantNo === undefined ? undefined : merchants.get(merchantNo)?.signKey) ?? '';
    let sign = signAnswer(body, signKey, credentials.platformPrivateKey);
    if (tamper) sign = `${sign.slice(0, -2)}${sign.endsWith('00') ? '11' : '00'}`;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    // `success` as the JSON boolean of the documented example (spec 4, OPEN 2).
    response.end(
      JSON.stringify({ success: body.success, errorCode: body.errorCode ?? null, errorMsg: body.errorMsg ?? null, result: body.result ?? null, sign }),
    );
  };

  /** `byPath` undefined: the generic path, where the envelope's `method` names the endpoint. */
  const api = async (request: IncomingMessage, response: ServerResponse, byPath: EndpointName | undefined): Promise<void> => {
    options.onApiRequest?.(request.headers);
    const fields = Object.fromEntries(new URLSearchParams((await readBody(request, MAX_BODY, tooLarge)).toString('utf8')));
    const merchant = merchants.get(fields['merchantNo'] ?? '');
    if (merchant === undefined) return answer(response, undefined, { success: false, errorCode: '130005', errorMsg: '商户号不存在' });
    const { merchantNo } = merchant;
    // Only RSA2 is implemented (spec 4, OPEN 6); CFCA or anything else is a bad parameter, answered before the
    // sign check because a CFCA envelope carries an empty sign. Signed for the merchant: its number is known.
    if (fields['signType'] !== 'RSA2') return answer(response, merchantNo, { success: false, errorCode: '130002', errorMsg: 'signType 参数校验失败' });
    if (!verifyRequestSign(fields, merchant.signKey, merchant.publicKey))
      return answer(response, merchantNo, { success: false, errorCode: '130002', errorMsg: '验签失败' });
    const endpoint = byPath ?? endpointForMethod(fields['method']);
    if (endpoint === undefined) return answer(response, merchantNo, { success: false, errorCode: '130002', errorMsg: 'method 参数校验失败' });
    counts[endpoint] = (counts[endpoint] ?? 0) + 1;
    if (byPath === undefined) counts['viaGenericPath'] = (counts['viaGenericPath'] ?? 0) + 1;

    const applied = faults.take(endpoint);
    if (applied.latencyMs > 0) await sleep(applied.latencyMs);
    if (applied.drop) {
      request.socket.destroy();
      return;
    }
    if (applied.status !== null) {
      response.writeHead(applied.status, { 'content-type': 'text/plain' }).end('service unavailable');
      return;
    }
    if (fields['method'] !== ENDPOINTS[endpoint].method || fields['version'] !== '1.0' || fields['format'] !== 'JSON') {
      return answer(response, merchantNo, { success: false, errorCode: '130002', errorMsg: 'method/version/format 参数校验失败' }, applied.tamper);
    }
    let outcome: Answer;
    try {
      const business = businessOf(fields['signContent']);
      checkBusinessMerchant(business['merchantNo'], merchantNo, merchants);
      // Observed by tests: a lookup by order number must be one call, not a scan of date windows.
      if (endpoint === 'queryComplaints' && business['merchantTradeNo'] !== undefined) {
        counts['queryComplaintsByMerchantTradeNo'] = (counts['queryComplaintsByMerchantTradeNo'] ?? 0) + 1;
      }
      outcome = { success: true, result: JSON.stringify(handlers[endpoint](merchantNo, business)) };
    } catch (error) {
      if (!(error instanceof BusinessError)) throw error;
      outcome = { success: false, errorCode: error.errorCode, errorMsg: error.message };
    }
    // Applied: the answer may still come late or never (an unknown outcome for the client).
    if (applied.answerDelayMs > 0) await sleep(applied.answerDelayMs);
    if (applied.dropAnswer) {
      request.socket.destroy();
      return;
    }
    answer(response, merchantNo, outcome, applied.tamper);
  };

  const control = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    const raw = await readBody(request, MAX_BODY, tooLarge);
    let body: Record<string, unknown>;
    try {
      body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    } catch {
      response.writeHead(400).end('{"error":"body is not JSON"}');
      return;
    }
    const merchantNos = new Set(merchants.keys());
    const result = handleControl({ state, faults, merchantNos, reset, stats: () => ({ ...counts }) }, request.method ?? 'GET', path, body);
    if (result.json === undefined) response.writeHead(result.status).end();
    else response.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.json));
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    const endpoint = endpointAtPath(path);
    const work = path.startsWith('/sandbox/')
      ? control(request, response, path)
      : (endpoint !== undefined || path === GENERIC_PATH) && request.method === 'POST'
        ? api(request, response, endpoint)
        : Promise.resolve(void response.writeHead(404).end());
    work.catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  const baseUrl = `http://${host}:${address.port}`;

  return {
    baseUrl,
    keys: publishedKeys(credentials, baseUrl),
    stats: () => ({ ...counts }),
    resetStats: () => {
      counts = Object.fromEntries(Object.keys(counts).map((name) => [name, 0]));
    },
    async close() {
      notifier.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
