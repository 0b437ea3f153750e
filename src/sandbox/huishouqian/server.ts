import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../providers/http/clock.js';
import type { HuishouqianSandboxKeys } from '../sandbox-keys.js';
import { generateHuishouqianCredentials, publishedKeys } from './keys.js';
import { seedComplaints } from './seed.js';
import { signAnswer, signNotification, verifyRequestSign } from './signing.js';
import { beijingDate, beijingStamp, type SandboxComplaint } from './state.js';

export interface HuishouqianSandboxOptions {
  host?: string;
  port?: number;
  clock?: Clock;
  seed?: boolean;
  /** Multiplies the notification retry schedule; tests use ~0.001. */
  notificationTimeScale?: number;
}

export interface HuishouqianSandbox {
  readonly baseUrl: string;
  readonly keys: HuishouqianSandboxKeys;
  stats(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

/** Both URL shapes (spec 1 and a third-party client): a path per method, or one path for all. */
const GENERIC_PATH = '/api/acquiring';
/** Where the sandbox says a history image lives; only COMPLAINT_FILE_DOWNLOAD can fetch it. */
const MEDIA_URL_BASE = 'https://media.huishouqian.test/complaint-image/';
const ROUTES: Record<string, { name: string; method: string }> = {
  '/complaint/query': { name: 'queryComplaints', method: 'COMPLAINT_QUERY' },
  '/complaint/queryHistory': { name: 'queryHistory', method: 'COMPLAINT_QUERY_HISTORY' },
  '/complaint/commitResponse': { name: 'commitResponse', method: 'COMPLAINT_COMMIT_RESPONSE' },
  '/complaint/commitComplete': { name: 'commitComplete', method: 'COMPLAINT_COMMIT_COMPLETE' },
  '/complaint/upload': { name: 'uploadFile', method: 'COMPLAINT_FILE_UPLOAD' },
  '/complaint/download': { name: 'downloadFile', method: 'COMPLAINT_FILE_DOWNLOAD' },
};
// WeChat's 15-step schedule, reused for Huishouqian (spec 4, OPEN 8), in seconds.
const RETRY_SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];
const MAX_BODY = 4 * 1024 * 1024;

class BusinessError extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

interface Fault {
  endpoint: string | undefined;
  kind: 'latency' | 'status' | 'drop' | 'tamper-signature';
  ms: number;
  status: number;
  remaining: number;
  until: number;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BusinessError('130002', '请求体过大');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function intParam(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new BusinessError('130002', `${name} 参数校验失败`);
  return n;
}

function dateParam(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new BusinessError('130002', `${name} 格式应为 yyyy-MM-dd`);
  }
  return value;
}

/** Starts the Huishouqian sandbox: same envelope, RSA2 signing, codes and state as described in the spec. */
export async function startHuishouqianSandbox(options: HuishouqianSandboxOptions = {}): Promise<HuishouqianSandbox> {
  const { host = '127.0.0.1', port = 0, clock = systemClock, seed = true, notificationTimeScale = 1 } = options;
  const credentials = generateHuishouqianCredentials();
  const merchants = new Map(credentials.merchants.map((m) => [m.merchantNo, m]));
  let complaints: SandboxComplaint[] = [];
  let counts: Record<string, number> = {};
  let faults: Fault[] = [];
  let notificationUrl: string | null = null;
  let sequence = 0;
  const timers = new Set<NodeJS.Timeout>();
  /** Uploaded images by file id; a reply's images appear in its history entry as media URLs. */
  const uploads = new Map<string, Buffer>();

  const reset = (): void => {
    complaints = seed ? seedComplaints([...merchants.keys()], clock.now()) : [];
    counts = Object.fromEntries(Object.values(ROUTES).map((r) => [r.name, 0]));
    faults = [];
    uploads.clear();
  };
  reset();

  const deliver = (merchantNo: string, complaintId: string, actionType: string): void => {
    const url = notificationUrl;
    const merchant = merchants.get(merchantNo);
    if (url === null || merchant === undefined) return;
    const signContent = JSON.stringify({ actionType, complaintId, notifyId: `N${clock.now()}${String(++sequence).padStart(6, '0')}` });
    const fields: Record<string, string> = { method: 'COMPLAINT_NOTIFY', version: '1.0', format: 'JSON', merchantNo, signType: 'RSA2', signContent };
    fields['sign'] = signNotification(fields, merchant.signKey, credentials.platformPrivateKey);
    const body = new URLSearchParams(fields).toString();
    const attempt = async (index: number): Promise<void> => {
      let acknowledged = false;
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(5_000) });
        acknowledged = response.ok && (await response.text()).trim() === 'SUCCESS';
      } catch {
        acknowledged = false;
      }
      const delay = RETRY_SCHEDULE_S[index];
      if (acknowledged || delay === undefined) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void attempt(index + 1);
      }, delay * 1000 * notificationTimeScale);
      timers.add(timer);
    };
    void attempt(0);
  };

  const find = (merchantNo: string, complaintId: unknown): SandboxComplaint => {
    if (typeof complaintId !== 'string' || complaintId === '') throw new BusinessError('130010', '投诉单号不能为空');
    const complaint = complaints.find((c) => c.complaintId === complaintId);
    if (complaint === undefined) throw new BusinessError('130003', '投诉单号不存在');
    if (complaint.merchantNo !== merchantNo) throw new BusinessError('130004', '商户号不匹配');
    return complaint;
  };

  const appendHistory = (complaint: SandboxComplaint, operateType: string, operator: string, details: string, images: string[] = []): void => {
    complaint.history.push({ logId: `3002${complaint.complaintId.slice(4)}${String(complaint.history.length + 1).padStart(2, '0')}`, operator, operateTime: beijingStamp(clock.now()), operateType, operateDetails: details, imageList: images });
  };

  const handlers: Record<string, (merchantNo: string, business: Record<string, unknown>) => unknown> = {
    queryComplaints(merchantNo, business) {
      const limit = intParam(business['limit'], 'limit', 0, 500, 100) || 100;
      const offset = intParam(business['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
      if (business['agentMerchantNo'] !== undefined && business['agentMerchantNo'] !== credentials.agentMerchantNo) throw new BusinessError('130006', '代理商商户号不匹配');
      let matching = complaints.filter((c) => c.merchantNo === merchantNo);
      const byId = typeof business['complaintId'] === 'string' ? business['complaintId'] : undefined;
      const byTrade = typeof business['merchantTradeNo'] === 'string' ? business['merchantTradeNo'] : undefined;
      if (byId !== undefined) matching = matching.filter((c) => c.complaintId === byId);
      if (byTrade !== undefined) matching = matching.filter((c) => c.merchantTradeNo === byTrade);
      if (byId === undefined && byTrade === undefined) {
        const begin = dateParam(business['beginDate'], 'beginDate');
        const end = dateParam(business['endDate'], 'endDate');
        const span = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${begin}T00:00:00Z`)) / 86_400_000;
        if (span < 0) throw new BusinessError('130002', 'beginDate 不能晚于 endDate');
        if (span > 29) throw new BusinessError('130002', '查询时间跨度不能超过30天');
        matching = matching.filter((c) => beijingDate(c.complainedAtMs) >= begin && beijingDate(c.complainedAtMs) <= end);
      }
      matching.sort((a, b) => b.complainedAtMs - a.complainedAtMs || (a.complaintId < b.complaintId ? -1 : 1));
      const data = matching.slice(offset, offset + limit).map(({ history: _h, complainedAtMs: _t, ...wire }) => ({ ...wire, agentNo: credentials.agentMerchantNo }));
      return { offset, totalSize: matching.length, data };
    },
    queryHistory(merchantNo, business) {
      const complaint = find(merchantNo, business['complaintId']);
      const limit = intParam(business['limit'], 'limit', 1, 300, 100);
      const offset = intParam(business['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
      return { offset, totalSize: complaint.history.length, data: complaint.history.slice(offset, offset + limit) };
    },
    commitResponse(merchantNo, business) {
      const complaint = find(merchantNo, business['complaintId']);
      const content = business['responseContent'];
      if (typeof content !== 'string' || content.trim() === '' || [...content].length > 200) throw new BusinessError('130002', 'responseContent 参数校验失败');
      const images = Array.isArray(business['responseImages']) ? business['responseImages'].map(String) : [];
      if (images.length > 4) throw new BusinessError('130009', '回复最多携带四张图片');
      if (images.some((id) => !uploads.has(id))) throw new BusinessError('130002', '图片不存在');
      appendHistory(complaint, 'MERCHANT_RESPONSE', '商户', content, images.map((id) => `${MEDIA_URL_BASE}${id}`));
      if (complaint.complaintState === 'PENDING') complaint.complaintState = 'PROCESSING';
      complaint.incomingUserResponse = 0;
      deliver(merchantNo, complaint.complaintId, 'MERCHANT_RESPONSE');
      return { flag: true, respCode: '130000', respDesc: '受理成功' };
    },
    commitComplete(merchantNo, business) {
      const complaint = find(merchantNo, business['complaintId']);
      if (complaint.complaintState !== 'PROCESSED') {
        complaint.complaintState = 'PROCESSED';
        appendHistory(complaint, 'MERCHANT_CONFIRM_COMPLETE', '商户', '');
        deliver(merchantNo, complaint.complaintId, 'MERCHANT_CONFIRM_COMPLETE');
      }
      return { flag: true, respCode: '130000', respDesc: '受理成功' };
    },
    uploadFile(_merchantNo, business) {
      const img = business['img'];
      if (typeof img !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(img)) throw new BusinessError('130002', 'img 参数校验失败');
      const bytes = Buffer.from(img, 'base64');
      if (bytes.length > 2 * 1024 * 1024) throw new BusinessError('130007', '文件过大');
      const isImage = (bytes[0] === 0xff && bytes[1] === 0xd8) || bytes.subarray(1, 4).toString('latin1') === 'PNG' || bytes.subarray(0, 2).toString('latin1') === 'BM';
      if (!isImage) throw new BusinessError('130008', '文件类型不合法');
      const fileId = String(7_000_000_000 + uploads.size + 1);
      uploads.set(fileId, bytes);
      return { fileId };
    },
    downloadFile(merchantNo, business) {
      const complaint = find(merchantNo, business['complaintId']);
      const mediaUrl = business['mediaUrl'];
      if (typeof business['mediaType'] !== 'string' || business['mediaType'] === '') throw new BusinessError('130002', 'mediaType 参数校验失败');
      // Only media this complaint's history carries: the URL is not a key to other complaints' files.
      const carried = typeof mediaUrl === 'string' && complaint.history.some((entry) => entry.imageList.includes(mediaUrl));
      const bytes = carried ? uploads.get(mediaUrl.slice(MEDIA_URL_BASE.length)) : undefined;
      if (bytes === undefined) throw new BusinessError('130002', '该投诉单没有这张图片');
      const suffix = bytes[0] === 0xff ? 'jpg' : bytes[0] === 0x42 ? 'bmp' : 'png';
      return { bytes: bytes.toString('base64'), suffix };
    },
  };

  const answer = (response: ServerResponse, merchantNo: string | undefined, body: { success: boolean; result?: string; errorCode?: string; errorMsg?: string }, tamper: boolean): void => {
    const signKey = (merchantNo === undefined ? undefined : merchants.get(merchantNo)?.signKey) ?? '';
    let sign = signAnswer(body, signKey, credentials.platformPrivateKey);
    if (tamper) sign = `${sign.slice(0, -2)}${sign.endsWith('00') ? '11' : '00'}`;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ success: body.success, errorCode: body.errorCode ?? null, errorMsg: body.errorMsg ?? null, result: body.result ?? null, sign }));
  };

  const control = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    const raw = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    } catch {
      response.writeHead(400).end('{"error":"body is not JSON"}');
      return;
    }
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (request.method === 'POST' && path === '/sandbox/reset') {
      reset();
      response.writeHead(204).end();
    } else if (request.method === 'GET' && path === '/sandbox/stats') {
      json(200, counts);
    } else if (request.method === 'PUT' && path === '/sandbox/notification-url') {
      if (typeof body['url'] !== 'string' || !/^https?:\/\//.test(body['url'])) return json(400, { error: 'url must be an http(s) URL' });
      notificationUrl = body['url'];
      json(200, { url: notificationUrl });
    } else if (request.method === 'POST' && path === '/sandbox/faults') {
      const kind = body['kind'];
      if (kind !== 'latency' && kind !== 'status' && kind !== 'drop' && kind !== 'tamper-signature') return json(400, { error: 'unknown fault kind' });
      const count = typeof body['count'] === 'number' ? body['count'] : undefined;
      const durationMs = typeof body['durationMs'] === 'number' ? body['durationMs'] : undefined;
      faults.push({
        endpoint: typeof body['endpoint'] === 'string' ? body['endpoint'] : undefined,
        kind,
        ms: typeof body['ms'] === 'number' ? body['ms'] : 1000,
        status: typeof body['status'] === 'number' ? body['status'] : 500,
        remaining: count ?? (durationMs === undefined ? 1 : Number.POSITIVE_INFINITY),
        until: durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + durationMs,
      });
      json(201, { armed: kind });
    } else if (request.method === 'POST' && path === '/sandbox/complaints') {
      const merchantNo = String(body['merchantNo'] ?? '');
      if (!merchants.has(merchantNo)) return json(400, { error: 'unknown merchantNo' });
      const now = clock.now();
      const stamp = beijingStamp(now);
      const complaint: SandboxComplaint = {
        complaintId: `2009${stamp}${String(++sequence).padStart(9, '0')}`.slice(0, 27),
        merchantNo,
        merchantTradeNo: typeof body['merchantTradeNo'] === 'string' ? body['merchantTradeNo'] : `HSQ${stamp}${sequence}`,
        amount: typeof body['amount'] === 'number' ? body['amount'] : 1000,
        complaintState: 'PENDING',
        complaintTime: stamp,
        complainedAtMs: Math.floor(now / 1000) * 1000,
        problemDescription: '其他问题',
        complaintDetail: typeof body['complaintDetail'] === 'string' ? body['complaintDetail'] : '用户通过沙箱提交的投诉',
        userComplaintTimes: 1,
        incomingUserResponse: 0,
        payerOpenid: `o0WuojSandbox${sequence}`,
        payerPhone: typeof body['payerPhone'] === 'string' ? body['payerPhone'] : '13800138000',
        complaintFullRefunded: 0,
        history: [],
      };
      appendHistory(complaint, 'USER_CREATE_COMPLAINT', '投诉人', complaint.complaintDetail);
      complaints.push(complaint);
      deliver(merchantNo, complaint.complaintId, 'CREATE_COMPLAINT');
      json(201, { complaintId: complaint.complaintId });
    } else {
      const match = /^\/sandbox\/complaints\/([^/]+)\/user-messages$/.exec(path);
      const complaint = match && request.method === 'POST' ? complaints.find((c) => c.complaintId === match[1]) : undefined;
      if (complaint === undefined) return json(404, { error: 'not found' });
      appendHistory(complaint, 'USER_RESPONSE', '投诉人', typeof body['content'] === 'string' ? body['content'] : '请尽快处理');
      complaint.incomingUserResponse = 1;
      deliver(complaint.merchantNo, complaint.complaintId, 'USER_RESPONSE');
      json(201, { complaintId: complaint.complaintId });
    }
  };

  /** `route` null: the generic path, where the envelope's `method` names the endpoint. */
  const api = async (request: IncomingMessage, response: ServerResponse, pathRoute: { name: string; method: string } | null): Promise<void> => {
    const fields = Object.fromEntries(new URLSearchParams((await readBody(request)).toString('utf8')));
    const merchant = merchants.get(fields['merchantNo'] ?? '');
    if (merchant === undefined) return answer(response, undefined, { success: false, errorCode: '130005', errorMsg: '商户号不存在' }, false);
    if (!verifyRequestSign(fields, merchant.signKey, merchant.publicKey)) return answer(response, merchant.merchantNo, { success: false, errorCode: '130002', errorMsg: '验签失败' }, false);
    const route = pathRoute ?? Object.values(ROUTES).find((candidate) => candidate.method === fields['method']);
    if (route === undefined) return answer(response, merchant.merchantNo, { success: false, errorCode: '130002', errorMsg: 'method 参数校验失败' }, false);
    counts[route.name] = (counts[route.name] ?? 0) + 1;
    if (pathRoute === null) counts['viaGenericPath'] = (counts['viaGenericPath'] ?? 0) + 1;
    const now = Date.now();
    faults = faults.filter((f) => f.remaining > 0 && f.until > now);
    const applied = faults.filter((f) => f.endpoint === undefined || f.endpoint === route.name);
    for (const fault of applied) fault.remaining -= 1;
    const latency = applied.filter((f) => f.kind === 'latency').reduce((sum, f) => sum + f.ms, 0);
    if (latency > 0) await sleep(latency);
    if (applied.some((f) => f.kind === 'drop')) {
      request.socket.destroy();
      return;
    }
    const status = applied.find((f) => f.kind === 'status');
    if (status !== undefined) {
      response.writeHead(status.status, { 'content-type': 'text/plain' }).end('service unavailable');
      return;
    }
    const tamper = applied.some((f) => f.kind === 'tamper-signature');
    if (fields['method'] !== route.method || fields['version'] !== '1.0' || fields['format'] !== 'JSON') {
      return answer(response, merchant.merchantNo, { success: false, errorCode: '130002', errorMsg: 'method/version/format 参数校验失败' }, tamper);
    }
    try {
      let business: unknown;
      try {
        business = JSON.parse(fields['signContent'] ?? '');
      } catch {
        throw new BusinessError('130002', 'signContent 不是合法的 JSON');
      }
      if (typeof business !== 'object' || business === null) throw new BusinessError('130002', 'signContent 不是对象');
      const handler = handlers[route.name];
      if (handler === undefined) throw new BusinessError('000001', '系统错误');
      const result = handler(merchant.merchantNo, business as Record<string, unknown>);
      answer(response, merchant.merchantNo, { success: true, result: JSON.stringify(result) }, tamper);
    } catch (error) {
      if (!(error instanceof BusinessError)) throw error;
      answer(response, merchant.merchantNo, { success: false, errorCode: error.errorCode, errorMsg: error.message }, tamper);
    }
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    const route = path === GENERIC_PATH ? null : ROUTES[path];
    const work = path.startsWith('/sandbox/')
      ? control(request, response, path)
      : route !== undefined && request.method === 'POST'
        ? api(request, response, route)
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
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
