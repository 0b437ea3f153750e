import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aes, Formatter, Multipart, Rsa } from 'wechatpay-axios-plugin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../src/providers/http/clock.js';
import type { WechatPaySandboxMerchant } from '../../../src/sandbox/sandbox-keys.js';
import { createPng } from '../../../src/sandbox/wechatpay/images.js';
import { createSeed } from '../../../src/sandbox/wechatpay/seed.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../../src/sandbox/wechatpay/server.js';
import { seed002ImmediateReplyBody } from '../../fixtures/wechatpay-seed-002.js';
import { sharedSandboxKeyrings } from '../../helpers/shared-keyrings.js';

// The test client signs with wechatpay-axios-plugin (an implementation nobody here wrote), so the
// sandbox's verifier is checked against an independent signer, over real HTTP.

let nowMs = Date.now();
const clock: Clock = { now: () => nowMs, nonce: (length) => systemClock.nonce(length) };

let sandbox: WechatPaySandbox;
let certSandbox: WechatPaySandbox;
let directA: WechatPaySandboxMerchant;
let directB: WechatPaySandboxMerchant;
let sub: WechatPaySandboxMerchant;
let platformKey: KeyObject;

interface CallOptions {
  as?: WechatPaySandboxMerchant;
  body?: string | Buffer;
  /** What the signature covers when it is not the body (upload: the meta JSON). */
  signedBody?: string;
  headers?: Record<string, string>;
  timestamp?: number;
  nonce?: string;
  serialNo?: string;
  tamper?: boolean;
  pairOrder?: 'axios' | 'go';
  base?: WechatPaySandbox;
}

interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  json: Record<string, unknown>;
}

function authorization(method: string, target: string, options: CallOptions): string {
  const caller = options.as ?? directA;
  const timestamp = options.timestamp ?? Math.floor(nowMs / 1000);
  const nonce = options.nonce ?? systemClock.nonce(32);
  const body = options.signedBody ?? (typeof options.body === 'string' ? options.body : '');
  let signature = Rsa.sign(Formatter.request(method, target, timestamp, nonce, body), Rsa.from(caller.privateKeyPem, Rsa.KEY_TYPE_PRIVATE));
  if (options.tamper === true) signature = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  const serial = options.serialNo ?? caller.serialNo;
  // A sub-merchant's calls are signed by its service provider.
  const mchid = caller.spMchid ?? caller.mchid;
  if (options.pairOrder === 'go') {
    return `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${serial}",signature="${signature}"`;
  }
  return Formatter.authorization(mchid, nonce, signature, timestamp, serial);
}

async function call(method: string, target: string, options: CallOptions = {}): Promise<CallResult> {
  const base = options.base ?? sandbox;
  const response = await fetch(`${base.baseUrl}${target}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(typeof options.body === 'string' ? { 'Content-Type': 'application/json' } : {}),
      Authorization: authorization(method, target, options),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : new Uint8Array(options.body) }),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: Record<string, unknown> = {};
  if (response.headers.get('content-type')?.includes('json') === true && text !== '') json = JSON.parse(text) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, bytes, json };
}

function verifiesWith(result: CallResult, key: KeyObject): boolean {
  const { headers } = result;
  const message = Formatter.response(headers.get('wechatpay-timestamp') ?? '', headers.get('wechatpay-nonce') ?? '', result.text);
  return Rsa.verify(message, headers.get('wechatpay-signature') ?? '', key);
}

async function control(path: string, body: unknown = {}): Promise<CallResult> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    bytes: Buffer.from(text),
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

async function fileComplaint(fields: Record<string, unknown> = {}, merchant: WechatPaySandboxMerchant = directA): Promise<string> {
  const created = await control('/sandbox/complaints', { mchid: merchant.mchid, ...fields });
  expect(created.status).toBe(201);
  return String(created.json['complaint_id']);
}

const complaintPath = (id: string, suffix = ''): string => `/v3/merchant-service/complaints-v2/${id}${suffix}`;
const historyTarget = (id: string): string => complaintPath(id, '/negotiation-historys?limit=1');

function beijingDay(offsetDays: number): string {
  return new Date(nowMs + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function uploadBody(file: Buffer, meta: string, variant: 'go' | 'formdata' | 'file-first' = 'go'): { body: Buffer; contentType: string } {
  const boundary = 'sandbox-boundary-42';
  const metaPart =
    variant === 'formdata'
      ? `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\n\r\n${meta}\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="meta";\r\nContent-Type: application/json\r\n\r\n${meta}\r\n`;
  const filePart = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from('\r\n'),
  ]);
  const parts = variant === 'file-first' ? [filePart, Buffer.from(metaPart)] : [Buffer.from(metaPart), filePart];
  return { body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(
  file: Buffer,
  options: { filename?: string; sha256?: string; variant?: 'go' | 'formdata' | 'file-first'; as?: WechatPaySandboxMerchant } = {},
): Promise<CallResult> {
  const meta = JSON.stringify({ filename: options.filename ?? 'evidence.png', sha256: options.sha256 ?? createHash('sha256').update(file).digest('hex') });
  const { body, contentType } = uploadBody(file, meta, options.variant);
  return call('POST', '/v3/merchant-service/images/upload', {
    body,
    signedBody: meta,
    headers: { 'Content-Type': contentType },
    ...(options.as === undefined ? {} : { as: options.as }),
  });
}

beforeAll(async () => {
  [sandbox, certSandbox] = await Promise.all([
    startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, clock, notificationTimeScale: 0.001 }),
    startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, keyMode: 'certificate', seed: false, notificationTimeScale: 0.001 }),
  ]);
  const merchants = sandbox.keys.merchants;
  [directA, directB] = merchants.filter((merchant) => merchant.kind === 'direct') as [WechatPaySandboxMerchant, WechatPaySandboxMerchant];
  sub = merchants.find((merchant) => merchant.kind === 'sub') as WechatPaySandboxMerchant;
  platformKey = Rsa.from(sandbox.keys.platformPublicKeyPem, Rsa.KEY_TYPE_PUBLIC);
});

afterAll(async () => {
  await Promise.all([sandbox?.close(), certSandbox?.close()]);
});

beforeEach(async () => {
  nowMs = Date.now();
  expect((await control('/sandbox/reset')).status).toBe(204);
});

describe('keys and seed', () => {
  it('publishes two direct merchants and a sub-merchant whose credentials are its service provider', () => {
    expect(directA.mchid).not.toBe(directB.mchid);
    expect(sub.spMchid).toMatch(/^\d{10}$/);
    expect(sub.spMchid).not.toBe(sub.mchid);
    expect(sandbox.keys.platformPublicKeyId).toMatch(/^PUB_KEY_ID_/);
    expect(sandbox.keys.platformCertificates.length).toBeGreaterThanOrEqual(2);
    for (const certificate of sandbox.keys.platformCertificates) {
      expect(new X509Certificate(certificate.certificatePem).serialNumber).toBe(certificate.serialNo);
    }
  });

  it('seeds the same data for the same day', () => {
    const ids = (at: number): string[] =>
      createSeed(at).complaints.map((complaint) => `${complaint.complaintId}:${complaint.state}:${complaint.history.length}`);
    const morning = Date.parse('2026-11-22T01:00:00Z');
    expect(ids(morning)).toEqual(ids(morning + 3_600_000));
    expect(ids(morning)).not.toEqual(ids(morning + 86_400_000));
  });

  it('seeds several hundred complaints in every state over ~120 days', async () => {
    const states = new Set<string>();
    let total = 0;
    for (const merchant of [directA, directB, sub]) {
      for (let window = 0; window < 5; window++) {
        const begin = beijingDay(-(window + 1) * 30 + 1);
        const end = beijingDay(-window * 30);
        const page = await call('GET', `/v3/merchant-service/complaints-v2?limit=50&offset=0&begin_date=${begin}&end_date=${end}`, { as: merchant });
        expect(page.status).toBe(200);
        total += Number(page.json['total_count']);
        for (const item of page.json['data'] as { complaint_state: string }[]) states.add(item.complaint_state);
      }
    }
    expect(total).toBeGreaterThanOrEqual(300);
    expect([...states].sort()).toEqual(['PENDING', 'PROCESSED', 'PROCESSING']);
  });
});

describe('request authentication', () => {
  it('accepts a request signed by the independent signer, in either Authorization pair order', async () => {
    const target = `/v3/merchant-service/complaints-v2?limit=5&offset=0&begin_date=${beijingDay(-29)}&end_date=${beijingDay(0)}`;
    expect((await call('GET', target)).status).toBe(200);
    expect((await call('GET', target, { pairOrder: 'go' })).status).toBe(200);
    expect((await call('GET', target, { as: sub, pairOrder: 'go' })).status).toBe(200);
  });

  it.each([
    ['a tampered signature', { tamper: true }],
    ['an unknown serial', { serialNo: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' }],
    ['a timestamp 301 s old', { timestamp: Math.floor(Date.now() / 1000) - 301 }],
    ['a timestamp 400 s ahead', { timestamp: Math.floor(Date.now() / 1000) + 400 }],
  ] as [string, CallOptions][])('refuses %s with 401 SIGN_ERROR, unsigned', async (_, options) => {
    const result = await call('GET', complaintPath('200201820200101080076610000'), options);
    expect(result.status).toBe(401);
    expect(result.json).toMatchObject({ code: 'SIGN_ERROR' });
    expect(typeof result.json['message']).toBe('string');
    expect(result.headers.get('wechatpay-signature')).toBeNull();
  });

  it('refuses a missing Authorization and a replayed nonce', async () => {
    const missing = await fetch(`${sandbox.baseUrl}/v3/merchant-service/complaint-notifications`);
    expect(missing.status).toBe(401);
    const nonce = systemClock.nonce(32);
    await call('POST', '/v3/merchant-service/complaint-notifications', { body: JSON.stringify({ url: 'https://example.com/notify' }), nonce });
    const replay = await call('POST', '/v3/merchant-service/complaint-notifications', { body: JSON.stringify({ url: 'https://example.com/notify' }), nonce });
    expect(replay.status).toBe(401);
    expect(replay.json['code']).toBe('SIGN_ERROR');
  });

  it('verifies the body bytes: a body changed after signing is refused', async () => {
    const signed = JSON.stringify({ url: 'https://example.com/a' });
    const result = await call('POST', '/v3/merchant-service/complaint-notifications', {
      body: JSON.stringify({ url: 'https://example.com/b' }),
      signedBody: signed,
    });
    expect(result.status).toBe(401);
  });

  it('does not count refused requests in stats', async () => {
    await call('GET', complaintPath('1'), { tamper: true });
    await call('GET', complaintPath('1'));
    expect(sandbox.stats()['getComplaint']).toBe(1);
    const stats = (await (await fetch(`${sandbox.baseUrl}/sandbox/stats`)).json()) as Record<string, number>;
    expect(stats['getComplaint']).toBe(1);
  });
});

describe('response signatures', () => {
  it('signs 200 and 204 answers with the PUB_KEY_ID key in public-key mode', async () => {
    const id = await fileComplaint();
    const detail = await call('GET', complaintPath(id));
    expect(detail.headers.get('wechatpay-serial')).toBe(sandbox.keys.platformPublicKeyId);
    expect(detail.headers.get('request-id')).toBeTruthy();
    expect(verifiesWith(detail, platformKey)).toBe(true);
    const completed = await call('POST', complaintPath(id, '/complete'), { body: JSON.stringify({ complainted_mchid: directA.mchid }) });
    expect(completed.status).toBe(204);
    expect(verifiesWith(completed, platformKey)).toBe(true);
  });

  it('signs error answers to a request whose signature verified (404, 403), never a 401', async () => {
    const none = await call('GET', '/v3/merchant-service/complaint-notifications', { as: directB });
    expect(none.status).toBe(404);
    expect(none.json['code']).toBe('RESOURCE_NOT_EXISTS');
    expect(none.headers.get('wechatpay-serial')).toBe(sandbox.keys.platformPublicKeyId);
    expect(verifiesWith(none, platformKey)).toBe(true);
    const foreign = await call('GET', complaintPath(await fileComplaint({}, directB)));
    expect(foreign.status).toBe(403);
    expect(verifiesWith(foreign, platformKey)).toBe(true);
    const refused = await call('GET', '/v3/merchant-service/complaint-notifications', { tamper: true });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('wechatpay-signature')).toBeNull();
  });

  it('signs with a platform certificate in certificate mode, or with the key the request names', async () => {
    const [newest, older] = certSandbox.keys.platformCertificates;
    const merchant = certSandbox.keys.merchants[0] as WechatPaySandboxMerchant;
    const target = `/v3/merchant-service/complaints-v2?limit=10&begin_date=${beijingDay(-3)}&end_date=${beijingDay(0)}`;
    const plain = await call('GET', target, { base: certSandbox, as: merchant });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('wechatpay-serial')).toBe(newest?.serialNo);
    expect(verifiesWith(plain, new X509Certificate(newest?.certificatePem ?? '').publicKey)).toBe(true);
    const named = await call('GET', target, { base: certSandbox, as: merchant, headers: { 'Wechatpay-Serial': older?.serialNo ?? '' } });
    expect(named.headers.get('wechatpay-serial')).toBe(older?.serialNo);
    expect(verifiesWith(named, new X509Certificate(older?.certificatePem ?? '').publicKey)).toBe(true);
    expect(verifiesWith(named, new X509Certificate(newest?.certificatePem ?? '').publicKey)).toBe(false);
  });
});

describe('list, detail and history', () => {
  it('enforces the 30-day window inclusively and the page limits', async () => {
    const list = (begin: string, end: string, limit = 10): Promise<CallResult> =>
      call('GET', `/v3/merchant-service/complaints-v2?limit=${limit}&offset=0&begin_date=${begin}&end_date=${end}`);
    expect((await list(beijingDay(-29), beijingDay(0))).status).toBe(200);
    const tooWide = await list(beijingDay(-30), beijingDay(0));
    expect(tooWide.status).toBe(400);
    expect(tooWide.json['code']).toBe('PARAM_ERROR');
    expect((await list(beijingDay(0), beijingDay(-1))).status).toBe(400);
    expect((await list(beijingDay(-1), beijingDay(0), 0)).status).toBe(400);
    expect((await list(beijingDay(-1), beijingDay(0), 51)).status).toBe(400);
    expect((await list(beijingDay(-1), beijingDay(0), 50)).status).toBe(200);
    expect((await call('GET', `/v3/merchant-service/complaints-v2?limit=10&begin_date=2026-02-30&end_date=2026-03-01`)).status).toBe(400);
  });

  it('lists newest first with total_count only at offset 0, and payer_openid only in detail', async () => {
    const target = (offset: number): string =>
      `/v3/merchant-service/complaints-v2?limit=20&offset=${offset}&begin_date=${beijingDay(-29)}&end_date=${beijingDay(0)}`;
    const first = await call('GET', target(0));
    const second = await call('GET', target(20));
    expect(first.json['total_count']).toBeGreaterThan(20);
    expect(second.json).not.toHaveProperty('total_count');
    expect(first.json).toMatchObject({ limit: 20, offset: 0 });
    const times = [...(first.json['data'] as { complaint_time: string }[]), ...(second.json['data'] as { complaint_time: string }[])].map((item) =>
      Date.parse(item.complaint_time),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const item = (first.json['data'] as Record<string, unknown>[])[0] ?? {};
    expect(item).not.toHaveProperty('payer_openid');
    expect(item['complaint_time']).toMatch(/\+08:00$/);
    const detail = await call('GET', complaintPath(String(item['complaint_id'])));
    expect(detail.json['payer_openid']).toMatch(/^oUpF8u/);
  });

  it('encrypts payer_phone for the calling merchant (OAEP SHA-1), the service provider for a sub-merchant', async () => {
    const direct = await fileComplaint({ payer_phone: '13800138000' });
    const detail = await call('GET', complaintPath(direct));
    expect(Rsa.decrypt(String(detail.json['payer_phone']), Rsa.from(directA.privateKeyPem, Rsa.KEY_TYPE_PRIVATE))).toBe('13800138000');
    const forSub = await fileComplaint({ payer_phone: '13900139000' }, sub);
    const subDetail = await call('GET', complaintPath(forSub), { as: sub });
    expect(subDetail.json['complainted_mchid']).toBe(sub.mchid);
    expect(Rsa.decrypt(String(subDetail.json['payer_phone']), Rsa.from(sub.privateKeyPem, Rsa.KEY_TYPE_PRIVATE))).toBe('13900139000');
  });

  it('answers 404 for an unknown complaint and 403 for another merchant', async () => {
    const unknown = await call('GET', complaintPath('200201820200101080076619999'));
    expect(unknown.status).toBe(404);
    expect(unknown.json['code']).toBe('RESOURCE_NOT_EXISTS');
    const other = await fileComplaint({}, directB);
    const forbidden = await call('GET', complaintPath(other));
    expect(forbidden.status).toBe(403);
    expect(forbidden.json['code']).toBe('NO_AUTH');
    const filtered = await call(
      'GET',
      `/v3/merchant-service/complaints-v2?limit=10&begin_date=${beijingDay(-1)}&end_date=${beijingDay(0)}&complainted_mchid=${directB.mchid}`,
    );
    expect(filtered.status).toBe(403);
  });

  it('pages the negotiation history oldest first within 1..300', async () => {
    const id = await fileComplaint();
    expect((await call('GET', complaintPath(id, '/negotiation-historys?limit=301&offset=0'))).status).toBe(400);
    expect((await call('GET', complaintPath(id, '/negotiation-historys?limit=0'))).status).toBe(400);
    const history = await call('GET', complaintPath(id, '/negotiation-historys?limit=300&offset=0'));
    expect(history.status).toBe(200);
    const types = (history.json['data'] as { operate_type: string }[]).map((entry) => entry.operate_type);
    expect(types[0]).toBe('USER_CREATE_COMPLAINT');
  });
});

describe('state machine', () => {
  it('PENDING → PROCESSING on reply → PROCESSED on complete, each action in the history', async () => {
    const id = await fileComplaint();
    const state = async (): Promise<unknown> => (await call('GET', complaintPath(id))).json['complaint_state'];
    expect(await state()).toBe('PENDING');
    expect((await control(`/sandbox/complaints/${id}/user-messages`, { content: '还没处理吗？' })).status).toBe(201);
    expect((await call('GET', complaintPath(id))).json['incoming_user_response']).toBe(true);
    const reply = await call('POST', complaintPath(id, '/response'), {
      body: JSON.stringify({ complainted_mchid: directA.mchid, response_content: '您好，已为您处理' }),
    });
    expect(reply.status).toBe(204);
    expect(await state()).toBe('PROCESSING');
    expect((await call('GET', complaintPath(id))).json['incoming_user_response']).toBe(false);
    expect((await call('POST', complaintPath(id, '/complete'), { body: JSON.stringify({ complainted_mchid: directA.mchid }) })).status).toBe(204);
    expect(await state()).toBe('PROCESSED');
    const again = await call('POST', complaintPath(id, '/complete'), { body: JSON.stringify({ complainted_mchid: directA.mchid }) });
    expect(again.status).toBe(400);
    expect(again.json['code']).toBe('INVALID_REQUEST');
    const history = await call('GET', complaintPath(id, '/negotiation-historys'));
    expect((history.json['data'] as { operate_type: string }[]).map((entry) => entry.operate_type)).toEqual([
      'USER_CREATE_COMPLAINT',
      'USER_CREATE_COMPLAINT_SYSTEM_MESSAGE',
      'USER_RESPONSE',
      'MERCHANT_RESPONSE',
      'MERCHANT_CONFIRM_COMPLETE',
    ]);
  });

  it('validates replies and leaves the complaint unchanged on failure', async () => {
    const id = await fileComplaint();
    const reply = (fields: Record<string, unknown>): Promise<CallResult> =>
      call('POST', complaintPath(id, '/response'), { body: JSON.stringify({ complainted_mchid: directA.mchid, response_content: '好的', ...fields }) });
    expect((await reply({ response_content: '好'.repeat(201) })).json['code']).toBe('PARAM_ERROR');
    expect((await reply({ response_images: ['a', 'b', 'c', 'd', 'e'] })).status).toBe(400);
    expect((await reply({ jump_url: 'https://example.com/c' })).json['code']).toBe('PARAM_ERROR');
    expect((await reply({ jump_url_text: '查看' })).status).toBe(400);
    expect((await reply({ response_images: ['never-uploaded.png'] })).json['code']).toBe('INVALID_REQUEST');
    const mismatch = await reply({ complainted_mchid: directB.mchid });
    expect(mismatch.status).toBe(403);
    expect((await call('GET', complaintPath(id))).json['complaint_state']).toBe('PENDING');
    expect((await call('GET', complaintPath(id, '/negotiation-historys'))).json['total_count']).toBe(2);
    expect((await reply({ response_content: '好'.repeat(200), jump_url: 'https://example.com/c', jump_url_text: '查看详情' })).status).toBe(204);
  });

  it('applies the refund approval rules', async () => {
    const other = await fileComplaint({ problem_type: 'OTHERS' });
    const refund = (id: string, body: unknown): Promise<CallResult> =>
      call('POST', complaintPath(id, '/update-refund-progress'), { body: JSON.stringify(body) });
    expect((await refund(other, { action: 'REJECT', reject_reason: '不符合条件' })).json['code']).toBe('INVALID_REQUEST');
    const rejected = await fileComplaint({ problem_type: 'REFUND', apply_refund_amount: 500 });
    expect((await refund(rejected, { action: 'APPROVE', launch_refund_day: -1 })).json['code']).toBe('PARAM_ERROR');
    expect((await refund(rejected, { action: 'APPROVE', launch_refund_day: 1.5 })).json['code']).toBe('PARAM_ERROR');
    expect((await refund(rejected, { action: 'REJECT' })).json['code']).toBe('PARAM_ERROR');
    expect((await refund(rejected, { action: 'REJECT', reject_reason: '已使用', launch_refund_day: 1 })).json['code']).toBe('PARAM_ERROR');
    expect((await refund(rejected, { action: 'MAYBE' })).json['code']).toBe('PARAM_ERROR');
    expect((await refund(rejected, { action: 'REJECT', reject_reason: '用户已使用服务' })).status).toBe(204);
    const afterReject = await call('GET', complaintPath(rejected));
    expect(afterReject.json).toMatchObject({ complaint_state: 'PROCESSED', problem_type: 'REFUND', apply_refund_amount: 500 });
    expect((await refund(rejected, { action: 'REJECT', reject_reason: '再次' })).json['code']).toBe('INVALID_REQUEST');
    const approved = await fileComplaint({ problem_type: 'REFUND' });
    expect((await refund(approved, { action: 'APPROVE', launch_refund_day: 0 })).status).toBe(204);
    expect((await call('GET', complaintPath(approved))).json).toMatchObject({ complaint_state: 'PROCESSED', complaint_full_refunded: true });
    // launch_refund_day is optional with APPROVE (spec 3.6); the refund then has not arrived yet.
    const approvedLater = await fileComplaint({ problem_type: 'REFUND' });
    expect((await refund(approvedLater, { action: 'APPROVE' })).status).toBe(204);
    expect((await call('GET', complaintPath(approvedLater))).json).toMatchObject({ complaint_state: 'PROCESSING' });
    const approvals = (await call('GET', complaintPath(approvedLater, '/negotiation-historys'))).json['data'] as { operate_type: string }[];
    expect(approvals.at(-1)?.operate_type).toBe('MERCHANT_APPROVE_REFUND');
    const types = (
      (await call('GET', complaintPath(rejected, '/negotiation-historys'))).json['data'] as { operate_type: string; operate_details: string }[]
    ).at(-1);
    expect(types).toMatchObject({ operate_type: 'MERCHANT_REFUSE_RERUND', operate_details: '用户已使用服务' });
  });

  it('answers immediate-service replies idempotently and only for complaints that need them', async () => {
    const plain = await fileComplaint();
    const message = {
      sender_identity: 'MANUAL',
      blocks: [
        { type: 'TEXT', text: { text: '您好，客服小王为您服务' } },
        { type: 'BUTTON', button: { text: '查看进度', action: { action_type: 'ACTION_TYPE_JUMP_URL', jump_url: 'https://example.com/p' } } },
      ],
    };
    const immediate = (id: string, body: Record<string, unknown>): Promise<CallResult> =>
      call('POST', complaintPath(id, '/response-immediate-service'), {
        body: JSON.stringify({ complainted_mchid: directA.mchid, message, idempotent_id: 'idem-1', ...body }),
      });
    expect((await immediate(plain, {})).json['code']).toBe('INVALID_REQUEST');
    const urgent = await fileComplaint({ need_immediate_service: true });
    expect((await immediate(urgent, { message: { blocks: [{ type: 'TEXT' }] } })).json['code']).toBe('PARAM_ERROR');
    // The action type's target must be there; its form is not checked (no https rule is documented).
    expect(
      (
        await immediate(urgent, {
          message: { blocks: [{ type: 'LINK', link: { text: 'x', action: { action_type: 'ACTION_TYPE_JUMP_URL' } } }] },
        })
      ).status,
    ).toBe(400);
    const first = await immediate(urgent, {});
    expect(first.status).toBe(200);
    expect(verifiesWith(first, platformKey)).toBe(true);
    const second = await immediate(urgent, {});
    expect(second.json['log_id']).toBe(first.json['log_id']);
    const history = (await call('GET', complaintPath(urgent, '/negotiation-historys'))).json['data'] as { log_id: string; normal_message?: unknown }[];
    expect(history.filter((entry) => entry.log_id === first.json['log_id'])).toHaveLength(1);
    expect(history.at(-1)?.normal_message).toEqual(message);
    expect((await call('GET', complaintPath(urgent))).json['complaint_state']).toBe('PROCESSING');
  });
});

describe('seed 002 and message validation', () => {
  it("accepts seed 002's own request body verbatim (only complainted_mchid is the sandbox merchant's)", async () => {
    const urgent = await fileComplaint({ need_immediate_service: true });
    const body = seed002ImmediateReplyBody(directA.mchid);
    const answer = await call('POST', complaintPath(urgent, '/response-immediate-service'), { body: JSON.stringify(body) });
    expect(answer.status).toBe(200);
    expect(verifiesWith(answer, platformKey)).toBe(true);
    const history = (await call('GET', complaintPath(urgent, '/negotiation-historys'))).json['data'] as { log_id: string; normal_message?: unknown }[];
    expect(history.find((entry) => entry.log_id === answer.json['log_id'])?.normal_message).toEqual(body.message);
  });

  it('has no invented limits: long texts, many blocks, any expired_time string and a plain http jump_url pass', async () => {
    const urgent = await fileComplaint({ need_immediate_service: true });
    const button = { text: '查看订单详情与退款进度', action: { action_type: 'ACTION_TYPE_JUMP_URL', jump_url: 'http://example.com/p' } };
    const message = {
      blocks: [
        ...Array.from({ length: 25 }, () => ({ type: 'TEXT', text: { text: '长'.repeat(1500) } })),
        { type: 'BUTTON', button: { ...button, invalid_info: { expired_time: 'example_expired_time', multi_clickable: true } } },
        { type: 'BUTTON_GROUP', button_group: { buttons: Array.from({ length: 12 }, () => button) } },
      ],
    };
    const answer = await call('POST', complaintPath(urgent, '/response-immediate-service'), {
      body: JSON.stringify({ complainted_mchid: directA.mchid, message, idempotent_id: 'no-invented-limits' }),
    });
    expect(answer.status).toBe(200);
    // The documented limits still hold: custom_data ≤ 4096, enums, no 4-byte characters.
    const refused = async (bad: Record<string, unknown>): Promise<string> =>
      String(
        (
          await call('POST', complaintPath(urgent, '/response-immediate-service'), {
            body: JSON.stringify({ complainted_mchid: directA.mchid, message: bad, idempotent_id: 'refused' }),
          })
        ).json['code'],
      );
    expect(await refused({ custom_data: 'x'.repeat(4097) })).toBe('PARAM_ERROR');
    expect(await refused({ sender_identity: 'ROBOT' })).toBe('PARAM_ERROR');
    expect(await refused({ blocks: [{ type: 'TEXT', text: { text: '😀' } }] })).toBe('PARAM_ERROR');
  });
});

describe('protocol headers', () => {
  /** node:http sends only the headers given (fetch would add Accept and User-Agent of its own). */
  function rawCall(method: string, target: string, headers: Record<string, string>, body = ''): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${sandbox.baseUrl}${target}`);
      const request = httpRequest(
        { host: url.hostname, port: url.port, method, path: target, headers: { Authorization: authorization(method, target, { body }), ...headers } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode ?? 0, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  const listTarget = (): string => `/v3/merchant-service/complaints-v2?limit=1&begin_date=${beijingDay(-1)}&end_date=${beijingDay(0)}`;
  const missingHeaders = { status: 400, json: { code: 'INVALID_REQUEST', message: 'Http头缺少Accept或User-Agent' } };

  it('refuses a call without Accept, without User-Agent or with an empty one', async () => {
    expect(await rawCall('GET', listTarget(), { 'User-Agent': 'interop/1.0' })).toMatchObject(missingHeaders);
    expect(await rawCall('GET', listTarget(), { Accept: 'application/json' })).toMatchObject(missingHeaders);
    expect(await rawCall('GET', listTarget(), { Accept: 'application/json', 'User-Agent': '' })).toMatchObject(missingHeaders);
    expect(await rawCall('GET', listTarget(), { Accept: '', 'User-Agent': 'interop/1.0' })).toMatchObject(missingHeaders);
    // Also on writes, which are then not applied: the rule is the whole /v3 API's.
    const id = await fileComplaint();
    const complete = JSON.stringify({ complainted_mchid: directA.mchid });
    expect(await rawCall('POST', complaintPath(id, '/complete'), { 'Content-Type': 'application/json' }, complete)).toMatchObject(missingHeaders);
    expect((await call('GET', complaintPath(id))).json['complaint_state']).toBe('PENDING');
  });

  it('accepts any Accept value with a User-Agent: a list, a wildcard', async () => {
    const agent = { 'User-Agent': 'interop/1.0' };
    expect((await rawCall('GET', listTarget(), { ...agent, Accept: 'application/json' })).status).toBe(200);
    expect((await rawCall('GET', listTarget(), { ...agent, Accept: '*/*' })).status).toBe(200);
    expect((await rawCall('GET', listTarget(), { ...agent, Accept: 'application/json, text/plain, image/*;q=0.5' })).status).toBe(200);
  });

  it('refuses a JSON body sent with another Content-Type, and takes application/json with a charset', async () => {
    const id = await fileComplaint();
    const body = JSON.stringify({ complainted_mchid: directA.mchid });
    const headers = { Accept: 'application/json', 'User-Agent': 'interop/1.0' };
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const refused = await rawCall('POST', complaintPath(id, '/complete'), { ...headers, 'Content-Type': contentType }, body);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(refused.json['code']).toBe('INVALID_REQUEST');
    }
    expect((await rawCall('POST', complaintPath(id, '/complete'), headers, body)).status).toBe(400);
    expect((await call('GET', complaintPath(id))).json['complaint_state']).toBe('PENDING');
    const accepted = await rawCall('POST', complaintPath(id, '/complete'), { ...headers, 'Content-Type': 'application/json; charset=utf-8' }, body);
    expect(accepted.status).toBe(204);
  });
});

describe('images', () => {
  it('accepts uploads from several multipart flavours and checks sha256, type and size', async () => {
    const png = createPng(7);
    for (const variant of ['go', 'formdata', 'file-first'] as const) {
      const result = await upload(png, { variant });
      expect(result.status).toBe(200);
      expect(result.json['media_id']).toMatch(/\.png$/);
      expect(verifiesWith(result, platformKey)).toBe(true);
    }
    const meta = JSON.stringify({ filename: 'evidence.png', sha256: createHash('sha256').update(png).digest('hex') });
    // The axios plugin's own multipart writer (meta as a plain field), then the platform FormData.
    const form = new Multipart().append('meta', meta).append('file', png, 'evidence.png');
    const plugin = await call('POST', '/v3/merchant-service/images/upload', {
      body: form.getBuffer(),
      signedBody: meta,
      headers: form.getHeaders() as Record<string, string>,
    });
    expect(plugin.status).toBe(200);
    const native = new FormData();
    native.append('meta', new Blob([meta], { type: 'application/json' }));
    native.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'evidence.png');
    const nativeTarget = '/v3/merchant-service/images/upload';
    const nativeResult = await fetch(`${sandbox.baseUrl}${nativeTarget}`, {
      method: 'POST',
      body: native,
      headers: { Authorization: authorization('POST', nativeTarget, { signedBody: meta }) },
    });
    expect(nativeResult.status).toBe(200);
    expect((await upload(png, { sha256: 'ab'.repeat(32) })).json['code']).toBe('INVALID_REQUEST');
    const text = Buffer.from('not an image at all');
    expect((await upload(text, { filename: 'fake.png' })).json['code']).toBe('INVALID_REQUEST');
    expect((await upload(png, { filename: 'evidence.gif' })).json['code']).toBe('INVALID_REQUEST');
    const huge = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    expect((await upload(huge)).json['code']).toBe('INVALID_REQUEST');
  });

  it('uses uploaded images in replies; serves media unsigned by the raw signed target; refuses uploaded ids', async () => {
    const id = await fileComplaint();
    const mediaId = String((await upload(createPng(3))).json['media_id']);
    const reply = await call('POST', complaintPath(id, '/response'), {
      body: JSON.stringify({ complainted_mchid: directA.mchid, response_content: '见图', response_images: [mediaId] }),
    });
    expect(reply.status).toBe(204);
    const detail = await call('GET', complaintPath(id));
    const lists = detail.json['complaint_media_list'] as { media_type: string; media_url: string[] }[];
    const operation = lists.find((entry) => entry.media_type === 'OPERATION_IMAGE')?.media_url[0] ?? '';
    expect(operation).toMatch(/%3D%3D$/);
    const target = new URL(operation).pathname;
    const image = await call('GET', target, { headers: { Accept: '*/*' } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.bytes.equals(createPng(3))).toBe(true);
    expect(image.headers.get('wechatpay-signature')).toBeNull();
    expect((await call('GET', `/v3/merchant-service/images/${mediaId}`)).status).toBe(400);
    const wrongTarget = await call('GET', target, { signedBody: '', headers: { Authorization: authorization('GET', target.replace(/%3D%3D$/, '=='), {}) } });
    expect(wrongTarget.status).toBe(401);
  });

  it('puts only merchant images in the history image_list, as unsigned public URLs that expire after an hour', async () => {
    const id = await fileComplaint();
    const mediaId = String((await upload(createPng(5))).json['media_id']);
    const reply = await call('POST', complaintPath(id, '/response'), {
      body: JSON.stringify({ complainted_mchid: directA.mchid, response_content: '见图', response_images: [mediaId] }),
    });
    expect(reply.status).toBe(204);
    const before = sandbox.stats()['downloadMedia'] ?? 0;
    const history = (await call('GET', complaintPath(id, '/negotiation-historys'))).json['data'] as {
      operator: string;
      operate_type: string;
      image_list: string[];
      complaint_media_list?: { media_type: string; media_url: string[] };
    }[];
    // The user's own image (filed with the complaint) is only in complaint_media_list.
    const created = history.find((entry) => entry.operate_type === 'USER_CREATE_COMPLAINT');
    expect(created?.image_list).toEqual([]);
    expect(created?.complaint_media_list?.media_type).toBe('USER_COMPLAINT_IMAGE');
    expect(created?.complaint_media_list?.media_url[0]).toContain('/v3/merchant-service/images/');
    const merchant = history.find((entry) => entry.operate_type === 'MERCHANT_RESPONSE');
    expect(merchant?.image_list).toHaveLength(1);
    const publicUrl = merchant?.image_list[0] ?? '';
    expect(publicUrl).toMatch(new RegExp(`^${sandbox.baseUrl}/public-images/[^/?]+\\?expires=\\d+&sig=`));
    // A plain GET: no Authorization, Accept or User-Agent rule, no signature on the answer.
    const image = await fetch(publicUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('wechatpay-signature')).toBeNull();
    expect(Buffer.from(await image.arrayBuffer()).equals(createPng(5))).toBe(true);
    expect(sandbox.stats()['downloadMedia'] ?? 0).toBe(before);
    // The expiry is signed: moving it, or pointing the URL at another image, is refused.
    expect((await fetch(publicUrl.replace(/expires=(\d+)/, (_, n: string) => `expires=${Number(n) + 3600}`))).status).toBe(403);
    const userId = new URL(created?.complaint_media_list?.media_url[0] ?? '').pathname.split('/').at(-1) ?? '';
    expect((await fetch(publicUrl.replace(/public-images\/[^?]+/, `public-images/${userId}`))).status).toBe(403);
    nowMs += 3_600_000 + 1_000;
    expect((await fetch(publicUrl)).status).toBe(404);
  });

  it('lists seeded merchant reply images in image_list and never a user entry’s', async () => {
    const seeded = createSeed(nowMs).complaints.filter((complaint) => complaint.complaintedMchid === directA.mchid);
    const withImage = seeded.find((complaint) => complaint.history.some((entry) => entry.operator === '商户' && entry.imageIds.length > 0));
    if (withImage === undefined) throw new Error('the seed has no merchant reply with an image for directA');
    const history = (await call('GET', complaintPath(withImage.complaintId, '/negotiation-historys?limit=300'))).json['data'] as {
      operator: string;
      image_list: string[];
    }[];
    expect(history.some((entry) => entry.operator === '商户' && entry.image_list.length > 0)).toBe(true);
    for (const entry of history) {
      if (entry.operator === '投诉人') expect(entry.image_list).toEqual([]);
      for (const url of entry.image_list) expect((await fetch(url)).status).toBe(200);
    }
  });
});

describe('notification URL and notifications', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let failNext = 0;
  /** What a failing answer is: any status but 200/204 means "not received" (spec 4), 2xx included. */
  let failStatus = 500;
  let okStatus = 204;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const fail = failNext > 0;
        if (fail) failNext -= 1;
        response.writeHead(fail ? failStatus : okStatus);
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wechatpay`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
    failNext = 0;
    failStatus = 500;
    okStatus = 204;
  });

  async function waitFor(count: number): Promise<void> {
    for (let i = 0; i < 400 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.length).toBeGreaterThanOrEqual(count);
  }

  function open(body: string, merchant: WechatPaySandboxMerchant): { id: string; event_type: string; resource: { complaint_id: string; action_type: string } } {
    const envelope = JSON.parse(body) as { id: string; event_type: string; resource: { ciphertext: string; nonce: string; associated_data: string } };
    const plaintext = Aes.AesGcm.decrypt(envelope.resource.ciphertext, merchant.apiV3Key, envelope.resource.nonce, envelope.resource.associated_data);
    return { ...envelope, resource: JSON.parse(plaintext) as { complaint_id: string; action_type: string } };
  }

  it('manages one URL per caller with the documented codes', async () => {
    const path = '/v3/merchant-service/complaint-notifications';
    expect((await call('GET', path)).json['code']).toBe('RESOURCE_NOT_EXISTS');
    expect((await call('PUT', path, { body: JSON.stringify({ url: 'https://example.com/n' }) })).status).toBe(404);
    expect((await call('DELETE', path)).status).toBe(404);
    expect((await call('POST', path, { body: JSON.stringify({ url: 'http://example.com/n' }) })).json['code']).toBe('PARAM_ERROR');
    expect((await call('POST', path, { body: JSON.stringify({ url: 'https://example.com/n?x=1' }) })).json['code']).toBe('PARAM_ERROR');
    const created = await call('POST', path, { body: JSON.stringify({ url: 'https://example.com/n' }) });
    expect(created.json).toEqual({ mchid: directA.mchid, url: 'https://example.com/n' });
    expect(verifiesWith(created, platformKey)).toBe(true);
    expect((await call('POST', path, { body: JSON.stringify({ url: 'https://example.com/m' }) })).json['code']).toBe('INVALID_REQUEST');
    expect((await call('PUT', path, { body: JSON.stringify({ url: 'https://example.com/m' }) })).json['url']).toBe('https://example.com/m');
    expect((await call('GET', path)).json['url']).toBe('https://example.com/m');
    expect((await call('GET', path, { as: directB })).status).toBe(404);
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('GET', path)).status).toBe(404);
  });

  it('delivers signed, encrypted notifications and retries a failed delivery with the same id', async () => {
    await call('POST', '/v3/merchant-service/complaint-notifications', { body: JSON.stringify({ url: receiverUrl }) });
    failNext = 1;
    const id = await fileComplaint();
    await waitFor(2);
    const [first, second] = received;
    expect(first?.body).toBe(second?.body);
    const opened = open(second?.body ?? '', directA);
    expect(opened.event_type).toBe('COMPLAINT.CREATE');
    expect(opened.resource).toEqual({ complaint_id: id, action_type: 'CREATE_COMPLAINT' });
    const headers = second?.headers ?? {};
    expect(headers['wechatpay-serial']).toBe(sandbox.keys.platformPublicKeyId);
    expect(headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    const message = Formatter.response(String(headers['wechatpay-timestamp']), String(headers['wechatpay-nonce']), second?.body ?? '');
    expect(Rsa.verify(message, String(headers['wechatpay-signature']), platformKey)).toBe(true);
    received.length = 0;
    await call('POST', complaintPath(id, '/complete'), { body: JSON.stringify({ complainted_mchid: directA.mchid }) });
    await waitFor(1);
    expect(open(received[0]?.body ?? '', directA)).toMatchObject({
      event_type: 'COMPLAINT.STATE_CHANGE',
      resource: { action_type: 'MERCHANT_CONFIRM_COMPLETE' },
    });
  });

  it('takes only 200 and 204 as received: a 202 or 201 answer is retried with the same id, a 200 is not', async () => {
    await call('POST', '/v3/merchant-service/complaint-notifications', { body: JSON.stringify({ url: receiverUrl }) });
    failStatus = 202;
    failNext = 2;
    okStatus = 200;
    const id = await fileComplaint();
    await waitFor(3);
    const bodies = received.map((delivery) => delivery.body);
    expect(new Set(bodies).size).toBe(1);
    expect(open(bodies[0] ?? '', directA).resource.complaint_id).toBe(id);
    // The third answer was 200: no fourth delivery, though the first retry waits only 15 ms here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(3);
    received.length = 0;
    failStatus = 201;
    failNext = 1;
    await call('POST', complaintPath(id, '/complete'), { body: JSON.stringify({ complainted_mchid: directA.mchid }) });
    await waitFor(2);
    expect(received[0]?.body).toBe(received[1]?.body);
  });

  it("sends a sub-merchant's events to its service provider's URL, encrypted with the provider's APIv3 key", async () => {
    await call('POST', '/v3/merchant-service/complaint-notifications', { as: sub, body: JSON.stringify({ url: receiverUrl }) });
    const id = await fileComplaint({}, sub);
    await waitFor(1);
    expect(open(received[0]?.body ?? '', sub).resource.complaint_id).toBe(id);
  });

  it('can send SIGNTEST probes and duplicates when asked', async () => {
    const quirky = await startWechatPaySandbox({
      keyring: sharedSandboxKeyrings().wechatpay,
      seed: false,
      notificationTimeScale: 0.001,
      notificationQuirks: { duplicateEvery: 1, signTestProbeEvery: 1 },
    });
    try {
      const merchant = quirky.keys.merchants[0] as WechatPaySandboxMerchant;
      const path = '/v3/merchant-service/complaint-notifications';
      expect((await call('POST', path, { base: quirky, as: merchant, body: JSON.stringify({ url: receiverUrl }) })).status).toBe(200);
      await fetch(`${quirky.baseUrl}/sandbox/complaints`, { method: 'POST', body: JSON.stringify({ mchid: merchant.mchid }) });
      await waitFor(3);
      expect(String(received[0]?.headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\//);
      const ids = received.slice(1, 3).map((entry) => (JSON.parse(entry.body) as { id: string }).id);
      expect(ids[0]).toBe(ids[1]);
    } finally {
      await quirky.close();
    }
  });
});

describe('limits, faults and control', () => {
  it('answers 429 RATELIMIT_EXCEEDED with Retry-After past the per-minute budget, and a new minute resets it', async () => {
    nowMs = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;
    const id = await fileComplaint({ need_immediate_service: true });
    const body = JSON.stringify({ complainted_mchid: directA.mchid, message: { blocks: [{ type: 'TEXT', text: { text: '您好' } }] }, idempotent_id: 'same' });
    for (let i = 0; i < 60; i++) expect((await call('POST', complaintPath(id, '/response-immediate-service'), { body })).status).toBe(200);
    const limited = await call('POST', complaintPath(id, '/response-immediate-service'), { body });
    expect(limited.status).toBe(429);
    expect(limited.json['code']).toBe('RATELIMIT_EXCEEDED');
    expect(limited.headers.get('retry-after')).toBe('50');
    expect((await call('GET', complaintPath(id))).status).toBe(200);
    nowMs += 60_000;
    expect((await call('POST', complaintPath(id, '/response-immediate-service'), { body })).status).toBe(200);
  });

  it('injects 5xx, dropped connections and tampered signatures for a count, per endpoint', async () => {
    const id = await fileComplaint();
    expect((await control('/sandbox/faults', { endpoint: 'getComplaint', kind: 'status', status: 503, count: 1 })).status).toBe(201);
    expect((await control('/sandbox/faults', { kind: 'bogus' })).status).toBe(400);
    expect((await control('/sandbox/faults', { endpoint: 'nope', kind: 'drop' })).status).toBe(400);
    const failed = await call('GET', complaintPath(id));
    expect(failed.status).toBe(503);
    expect(failed.json['code']).toBe('SERVICE_UNAVAILABLE');
    expect((await call('GET', complaintPath(id))).status).toBe(200);
    await control('/sandbox/faults', { endpoint: 'getComplaint', kind: 'drop', count: 1 });
    await expect(call('GET', complaintPath(id))).rejects.toThrow();
    await control('/sandbox/faults', { endpoint: 'getComplaint', kind: 'tamper-signature', count: 1 });
    expect((await call('GET', historyTarget(id))).status).toBe(200);
    const tampered = await call('GET', complaintPath(id));
    expect(tampered.status).toBe(200);
    expect(verifiesWith(tampered, platformKey)).toBe(false);
    expect(verifiesWith(await call('GET', complaintPath(id)), platformKey)).toBe(true);
    await control('/sandbox/faults', { endpoint: 'getComplaint', kind: 'status', status: 429, count: 1 });
    const throttled = await call('GET', complaintPath(id));
    expect([throttled.status, throttled.json['code'], throttled.headers.get('retry-after')]).toEqual([429, 'RATELIMIT_EXCEEDED', '1']);
    await control('/sandbox/faults', { kind: 'latency', ms: 1, durationMs: 60_000 });
    expect((await call('GET', complaintPath(id))).status).toBe(200);
    expect(sandbox.stats()['getComplaint']).toBe(7);
  });

  it('reset restores the seed, clears faults and counters', async () => {
    const id = await fileComplaint();
    await control('/sandbox/faults', { kind: 'status', status: 500, durationMs: 60_000 });
    expect((await call('GET', complaintPath(id))).status).toBe(500);
    expect((await control('/sandbox/reset')).status).toBe(204);
    expect(Object.values(sandbox.stats()).every((count) => count === 0)).toBe(true);
    expect((await call('GET', complaintPath(id))).status).toBe(404);
    sandbox.resetStats();
    expect(sandbox.stats()['getComplaint']).toBe(0);
  });
});
