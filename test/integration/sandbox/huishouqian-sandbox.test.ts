import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HuishouqianSandboxMerchant } from '../../../src/sandbox/sandbox-keys.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from '../../../src/sandbox/huishouqian/server.js';
import { HSQ_REQUEST, HSQ_RESPONSE, HSQ_SIGN_KEY } from '../../fixtures/huishouqian-vectors.js';
import { TK_PEM } from '../../fixtures/wechatpay-vectors.js';
import { sharedSandboxKeyrings } from '../../helpers/shared-keyrings.js';

/*
 * The sandbox driven over HTTP by a signer written here from spec section 3.1, not the gateway's
 * protocol code: one misreading of the sign rule cannot hide in both.
 */

const REQUEST_FIELDS = ['method', 'version', 'format', 'merchantNo', 'signType', 'signContent'] as const;

/** `name=value` pairs in the given order, empty values skipped, the merchant key appended as `key`. */
function signString(pairs: readonly (readonly [string, string | null | undefined])[], key: string): string {
  return [...pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([name, value]) => `${name}=${value}`), `key=${key}`].join(
    '&',
  );
}

/** RSA2: SHA256withRSA (PKCS#1 v1.5) over the UTF-8 text, lowercase hex. */
function rsa2(text: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('hex');
}

function rsa2Verifies(text: string, signature: string, publicKey: KeyObject): boolean {
  return /^[0-9a-f]+$/.test(signature) && verify('sha256', Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'hex'));
}

interface AnswerEnvelope {
  success: boolean;
  errorCode: string | null;
  errorMsg: string | null;
  result: string | null;
  sign: string;
}

/** The answer's string: result and success, or errorCode, errorMsg and success (spec 3.1). */
function answerSignString(answer: AnswerEnvelope, key: string): string {
  return answer.success
    ? signString(
        [
          ['result', answer.result],
          ['success', 'true'],
        ],
        key,
      )
    : signString(
        [
          ['errorCode', answer.errorCode],
          ['errorMsg', answer.errorMsg],
          ['success', 'false'],
        ],
        key,
      );
}

let sandbox: HuishouqianSandbox;
let platformKey: KeyObject;
let first: HuishouqianSandboxMerchant;
let second: HuishouqianSandboxMerchant;

const PATHS = {
  COMPLAINT_QUERY: '/complaint/query',
  COMPLAINT_QUERY_HISTORY: '/complaint/queryHistory',
  COMPLAINT_COMMIT_RESPONSE: '/complaint/commitResponse',
  COMPLAINT_COMMIT_COMPLETE: '/complaint/commitComplete',
  COMPLAINT_FILE_UPLOAD: '/complaint/upload',
  COMPLAINT_FILE_DOWNLOAD: '/complaint/download',
} as const;
type Method = keyof typeof PATHS;

interface CallOptions {
  as?: HuishouqianSandboxMerchant;
  /** Sign with this key instead of the merchant's own. */
  privateKey?: KeyObject;
  signKey?: string;
  /** Sign the fields in alphabetical order instead of the fixed one. */
  alphabetical?: boolean;
  path?: string;
  fields?: Record<string, string>;
}

interface Called {
  status: number;
  answer: AnswerEnvelope;
  /** The answer's sign verifies with the platform key and the caller's sign key. */
  verified: boolean;
  result: Record<string, unknown>;
}

/** Posts one signed envelope; the raw HTTP answer. */
async function post(method: Method, business: Record<string, unknown>, options: CallOptions = {}): Promise<Response> {
  const merchant = options.as ?? first;
  const fields: Record<string, string> = {
    method,
    version: '1.0',
    format: 'JSON',
    merchantNo: merchant.merchantNo,
    signType: 'RSA2',
    signContent: JSON.stringify({ merchantNo: merchant.merchantNo, ...business }),
    ...options.fields,
  };
  const order = options.alphabetical === true ? [...REQUEST_FIELDS].sort() : REQUEST_FIELDS;
  const key = options.signKey ?? merchant.signKey;
  const privateKey = options.privateKey ?? createPrivateKey(merchant.privateKeyPem);
  fields['sign'] = rsa2(
    signString(
      order.map((name) => [name, fields[name]] as const),
      key,
    ),
    privateKey,
  );
  return fetch(`${sandbox.baseUrl}${options.path ?? PATHS[method]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function call(method: Method, business: Record<string, unknown>, options: CallOptions = {}): Promise<Called> {
  const merchant = options.as ?? first;
  const response = await post(method, business, options);
  const answer = (await response.json()) as AnswerEnvelope;
  const verified = rsa2Verifies(answerSignString(answer, merchant.signKey), answer.sign, platformKey);
  const result = answer.success && answer.result !== null ? (JSON.parse(answer.result) as Record<string, unknown>) : {};
  return { status: response.status, answer, verified, result };
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

function beijingDate(offsetDays: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

const LAST_30_DAYS = { beginDate: beijingDate(-29), endDate: beijingDate(0) };

interface WireComplaint {
  complaintId: string;
  merchantNo: string;
  complaintState: string;
  complaintTime: string;
  agentNo: string;
}

/** Every complaint of a merchant in the seed's 120 days, newest first per window. */
async function complaintsOf(merchant: HuishouqianSandboxMerchant): Promise<WireComplaint[]> {
  const all: WireComplaint[] = [];
  for (let days = 0; days < 120; days += 30) {
    const { result } = await call('COMPLAINT_QUERY', { beginDate: beijingDate(-days - 29), endDate: beijingDate(-days), limit: 500 }, { as: merchant });
    all.push(...(result['data'] as WireComplaint[]));
  }
  return all;
}

async function anyComplaintOf(merchant: HuishouqianSandboxMerchant, state?: string): Promise<WireComplaint> {
  const found = (await complaintsOf(merchant)).find((c) => state === undefined || c.complaintState === state);
  if (found === undefined) throw new Error('the seed has no such complaint');
  return found;
}

beforeAll(async () => {
  sandbox = await startHuishouqianSandbox({ credentials: sharedSandboxKeyrings().huishouqian, notificationTimeScale: 0.001 });
  platformKey = createPublicKey(sandbox.keys.platformPublicKeyPem);
  const [a, b] = sandbox.keys.merchants;
  if (a === undefined || b === undefined) throw new Error('the sandbox has two merchants');
  first = a;
  second = b;
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  expect((await control('POST', '/sandbox/reset')).status).toBe(204);
});

describe('the test signer itself', () => {
  it('reproduces the derived vectors of spec section 5 (request and answer)', () => {
    const tk = createPrivateKey(TK_PEM);
    const request = signString(
      REQUEST_FIELDS.map((name) => [name, HSQ_REQUEST.envelope[name]] as const),
      HSQ_SIGN_KEY,
    );
    expect(rsa2(request, tk)).toBe(HSQ_REQUEST.signature);
    const answer: AnswerEnvelope = { success: true, result: HSQ_RESPONSE.result, errorCode: null, errorMsg: null, sign: HSQ_RESPONSE.signature };
    expect(rsa2Verifies(answerSignString(answer, HSQ_SIGN_KEY), answer.sign, createPublicKey(tk))).toBe(true);
  });
});

describe('request signatures', () => {
  it('accepts a request signed per spec 3.1 and signs its answer over result and success', async () => {
    const called = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 5 });
    expect(called.status).toBe(200);
    expect(called.answer.success).toBe(true);
    expect(called.answer.sign).toMatch(/^[0-9a-f]{512}$/);
    expect(called.verified).toBe(true);
    expect(called.result['data']).toHaveLength(5);
    // Signed with the platform key and this merchant's sign key, not another's.
    expect(rsa2Verifies(answerSignString(called.answer, second.signKey), called.answer.sign, platformKey)).toBe(false);
    // A 1024-bit merchant key and a 2048-bit one both work.
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 }, { as: second })).verified).toBe(true);
  });

  it.each<[string, () => CallOptions]>([
    ['another merchant’s private key', () => ({ privateKey: createPrivateKey(second.privateKeyPem) })],
    ['a wrong sign key', () => ({ signKey: '00000000000000000000000000000000' })],
    ['alphabetical field order', () => ({ alphabetical: true })],
    ['a stranger’s key', () => ({ privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey })],
  ])('refuses a request signed with %s: 130002 验签失败, signed, not counted', async (_name, options) => {
    sandbox.resetStats();
    const called = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 5 }, options());
    expect(called.answer).toMatchObject({ success: false, errorCode: '130002', errorMsg: '验签失败', result: null });
    expect(called.verified).toBe(true);
    expect(sandbox.stats()['queryComplaints']).toBe(0);
  });

  it('refuses a form without a sign, and a changed signContent after signing', async () => {
    const merchant = first;
    const body = new URLSearchParams({
      method: 'COMPLAINT_QUERY',
      version: '1.0',
      format: 'JSON',
      merchantNo: merchant.merchantNo,
      signType: 'RSA2',
      signContent: '{}',
    });
    const unsigned = (await (await fetch(`${sandbox.baseUrl}/complaint/query`, { method: 'POST', body })).json()) as AnswerEnvelope;
    expect(unsigned.errorCode).toBe('130002');
    const signed = signString(
      REQUEST_FIELDS.map((name) => [name, body.get(name)] as const),
      merchant.signKey,
    );
    body.set('sign', rsa2(signed, createPrivateKey(merchant.privateKeyPem)));
    body.set('signContent', '{"limit":1}');
    const changed = (await (await fetch(`${sandbox.baseUrl}/complaint/query`, { method: 'POST', body })).json()) as AnswerEnvelope;
    expect(changed).toMatchObject({ success: false, errorCode: '130002', errorMsg: '验签失败' });
  });

  it('answers an unknown merchant 130005, signed with an empty sign key', async () => {
    const stranger = { ...first, merchantNo: '814000999999' };
    const called = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 }, { as: stranger });
    expect(called.answer).toMatchObject({ success: false, errorCode: '130005' });
    expect(rsa2Verifies(answerSignString(called.answer, ''), called.answer.sign, platformKey)).toBe(true);
  });

  it('checks method, version and format against the path, and routes the generic path by method', async () => {
    const mismatch = await call('COMPLAINT_QUERY_HISTORY', { complaintId: 'x', limit: 1 }, { path: PATHS.COMPLAINT_QUERY });
    expect(mismatch.answer).toMatchObject({ success: false, errorCode: '130002' });
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 }, { fields: { version: '2.0' } })).answer.errorCode).toBe('130002');
    sandbox.resetStats();
    const generic = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 }, { path: '/api/acquiring' });
    expect(generic.verified && generic.answer.success).toBe(true);
    expect(sandbox.stats()).toMatchObject({ queryComplaints: 1, viaGenericPath: 1 });
    const unknown = await call('COMPLAINT_QUERY', {}, { path: '/api/acquiring', fields: { method: 'COMPLAINT_REFUND' } });
    expect(unknown.answer).toMatchObject({ success: false, errorCode: '130002', errorMsg: 'method 参数校验失败' });
    expect((await fetch(`${sandbox.baseUrl}/complaint/query`)).status).toBe(404);
  });
});

describe('answers', () => {
  it('a tampered answer does not verify; the next one does again', async () => {
    expect((await control('POST', '/sandbox/faults', { kind: 'tamper-signature', endpoint: 'queryComplaints' })).status).toBe(201);
    const tampered = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 });
    expect(tampered.answer.success).toBe(true);
    expect(tampered.verified).toBe(false);
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 })).verified).toBe(true);
  });

  it('a result changed in transit does not verify', async () => {
    const { answer } = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 });
    const changed = {
      ...answer,
      result: (answer.result ?? '')
        .replace('"PENDING"', '"PROCESSED"')
        .replace('"PROCESSING"', '"PROCESSED"')
        .replace(/"amount":\d+/, '"amount":1'),
    };
    expect(changed.result).not.toBe(answer.result);
    expect(rsa2Verifies(answerSignString(changed, first.signKey), answer.sign, platformKey)).toBe(false);
  });
});

describe('ownership and codes', () => {
  it('answers 130004 for another merchant’s complaint, 130003 for an unknown one, 130010 for none', async () => {
    const foreign = await anyComplaintOf(second);
    for (const method of ['COMPLAINT_QUERY_HISTORY', 'COMPLAINT_COMMIT_RESPONSE', 'COMPLAINT_COMMIT_COMPLETE'] as const) {
      const called = await call(method, { complaintId: foreign.complaintId, limit: 10, offset: 0, responseContent: '您好' });
      expect(called.answer).toMatchObject({ success: false, errorCode: '130004' });
      expect(called.verified).toBe(true);
    }
    expect((await call('COMPLAINT_QUERY_HISTORY', { complaintId: '200000000000000000000000000', limit: 10 })).answer.errorCode).toBe('130003');
    expect((await call('COMPLAINT_QUERY_HISTORY', { complaintId: '', limit: 10 })).answer.errorCode).toBe('130010');
    // COMPLAINT_QUERY by id answers with seed 003's codes too, signed for the caller, and reveals nothing.
    const byForeignId = await call('COMPLAINT_QUERY', { complaintId: foreign.complaintId, limit: 1 });
    expect(byForeignId.answer).toMatchObject({ success: false, errorCode: '130004', result: null });
    expect(byForeignId.verified).toBe(true);
    const byUnknownId = await call('COMPLAINT_QUERY', { complaintId: '200000000000000000000000000', limit: 1 });
    expect(byUnknownId.answer).toMatchObject({ success: false, errorCode: '130003', result: null });
    expect(byUnknownId.verified).toBe(true);
    // Nothing changed on the foreign complaint.
    expect((await call('COMPLAINT_QUERY', { complaintId: foreign.complaintId, limit: 1 }, { as: second })).result['data']).toEqual([
      expect.objectContaining({ complaintState: foreign.complaintState }),
    ]);
  });

  it('answers a verified envelope whose business merchantNo is another merchant’s 130004, and nobody’s 130005', async () => {
    sandbox.resetStats();
    // Signed correctly by the first merchant: only the number inside signContent differs.
    const mismatch = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 5, merchantNo: second.merchantNo });
    expect(mismatch.answer).toMatchObject({ success: false, errorCode: '130004', result: null });
    expect(mismatch.verified).toBe(true);
    const unknown = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 5, merchantNo: '814000999999' });
    expect(unknown.answer).toMatchObject({ success: false, errorCode: '130005', errorMsg: '商户号不存在', result: null });
    // Unlike an unknown envelope merchant (signed with an empty key), this answer is signed with the caller's key.
    expect(unknown.verified).toBe(true);
    expect(rsa2Verifies(answerSignString(unknown.answer, ''), unknown.answer.sign, platformKey)).toBe(false);
    // The same number in both places is fine.
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1, merchantNo: first.merchantNo })).answer.success).toBe(true);
  });

  it.each(['CFCA', 'RSA', 'rsa2', ''])('refuses signType %j with 130002, signed for the merchant, not counted', async (signType) => {
    sandbox.resetStats();
    // Signed over the envelope as sent, so only the signType itself can be the reason.
    const called = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 }, { fields: { signType } });
    expect(called.answer).toMatchObject({ success: false, errorCode: '130002', errorMsg: 'signType 参数校验失败', result: null });
    expect(called.verified).toBe(true);
    expect(sandbox.stats()['queryComplaints']).toBe(0);
  });

  it('answers 130006 for a wrong agent merchant number and accepts the right one', async () => {
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 5, agentMerchantNo: '999999999999' })).answer).toMatchObject({
      success: false,
      errorCode: '130006',
    });
    const agent = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 5, agentMerchantNo: sandbox.keys.agentMerchantNo });
    expect(agent.answer.success).toBe(true);
    for (const c of agent.result['data'] as WireComplaint[]) expect(c).toMatchObject({ merchantNo: first.merchantNo, agentNo: sandbox.keys.agentMerchantNo });
  });
});

describe('paging and date windows', () => {
  it('pages newest first without gaps or duplicates, totalSize counting every match', async () => {
    const whole = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 500 });
    const total = whole.result['totalSize'] as number;
    expect(total).toBeGreaterThan(3);
    const paged: WireComplaint[] = [];
    for (let offset = 0; offset < total; offset += 3) {
      const page = await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 3, offset });
      expect(page.result).toMatchObject({ offset, totalSize: total });
      paged.push(...(page.result['data'] as WireComplaint[]));
    }
    expect(paged.map((c) => c.complaintId)).toEqual((whole.result['data'] as WireComplaint[]).map((c) => c.complaintId));
    const times = paged.map((c) => c.complaintTime);
    expect(times).toEqual([...times].sort().reverse());
    // Numbers may arrive as strings (third-party clients send them so).
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: '2', offset: '1' })).result['data']).toHaveLength(2);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a window over 30 days', { beginDate: beijingDate(-30), endDate: beijingDate(0), limit: 10 }],
    ['begin after end', { beginDate: beijingDate(0), endDate: beijingDate(-1), limit: 10 }],
    ['a date not in yyyy-MM-dd', { beginDate: '20260101', endDate: beijingDate(0), limit: 10 }],
    ['no window and no id', { limit: 10 }],
    ['limit over 500', { ...LAST_30_DAYS, limit: 501 }],
    ['a negative offset', { ...LAST_30_DAYS, limit: 10, offset: -1 }],
  ])('refuses %s with 130002', async (_name, business) => {
    expect((await call('COMPLAINT_QUERY', business)).answer).toMatchObject({ success: false, errorCode: '130002' });
  });

  it('accepts a window of exactly 30 days and history pages of at most 300', async () => {
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 })).answer.success).toBe(true);
    const own = await anyComplaintOf(first, 'PROCESSED');
    const history = await call('COMPLAINT_QUERY_HISTORY', { complaintId: own.complaintId, limit: 2, offset: 1 });
    expect(history.result).toMatchObject({ offset: 1, totalSize: 3 });
    expect(history.result['data']).toHaveLength(2);
    expect((await call('COMPLAINT_QUERY_HISTORY', { complaintId: own.complaintId, limit: 301 })).answer.errorCode).toBe('130002');
  });
});

describe('writes and files', () => {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(32, 1)]);

  it('a reply is accepted (respCode 130000), moves PENDING to PROCESSING and shows in the history with its image', async () => {
    const pending = await anyComplaintOf(first, 'PENDING');
    const upload = await call('COMPLAINT_FILE_UPLOAD', { img: png.toString('base64') });
    const fileId = upload.result['fileId'];
    expect(fileId).toMatch(/^\d+$/);
    const reply = await call('COMPLAINT_COMMIT_RESPONSE', { complaintId: pending.complaintId, responseContent: '您好，已处理', responseImages: [fileId] });
    expect(reply.verified).toBe(true);
    expect(reply.result).toEqual({ flag: true, respCode: '130000', respDesc: '受理成功' });
    const detail = await call('COMPLAINT_QUERY', { complaintId: pending.complaintId, limit: 1 });
    expect(detail.result['data']).toEqual([expect.objectContaining({ complaintState: 'PROCESSING', incomingUserResponse: 0 })]);
    const history = (await call('COMPLAINT_QUERY_HISTORY', { complaintId: pending.complaintId, limit: 50 })).result['data'] as {
      operateType: string;
      imageList: string[];
    }[];
    const entry = history.at(-1);
    expect(entry?.operateType).toBe('MERCHANT_RESPONSE');
    const mediaUrl = entry?.imageList[0];
    const download = await call('COMPLAINT_FILE_DOWNLOAD', { complaintId: pending.complaintId, mediaUrl, mediaType: 'OPERATION_IMAGE' });
    expect(download.result).toEqual({ bytes: png.toString('base64'), suffix: 'png' });
    // The same URL under another complaint opens nothing.
    const other = await anyComplaintOf(first, 'PROCESSED');
    expect((await call('COMPLAINT_FILE_DOWNLOAD', { complaintId: other.complaintId, mediaUrl, mediaType: 'OPERATION_IMAGE' })).answer.errorCode).toBe('130002');
  });

  it('refuses five reply images (130009), an unknown image, an empty reply, a non-image (130008) and an oversized file (130007)', async () => {
    const pending = await anyComplaintOf(first, 'PENDING');
    const reply = (images: unknown[], text = '您好') =>
      call('COMPLAINT_COMMIT_RESPONSE', { complaintId: pending.complaintId, responseContent: text, responseImages: images });
    expect((await reply(['1', '2', '3', '4', '5'])).answer.errorCode).toBe('130009');
    expect((await reply(['7999999999'])).answer.errorCode).toBe('130002');
    expect((await reply([], ' ')).answer.errorCode).toBe('130002');
    expect((await call('COMPLAINT_FILE_UPLOAD', { img: Buffer.from('not an image').toString('base64') })).answer.errorCode).toBe('130008');
    const large = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    expect((await call('COMPLAINT_FILE_UPLOAD', { img: large.toString('base64') })).answer.errorCode).toBe('130007');
    expect((await call('COMPLAINT_QUERY', { complaintId: pending.complaintId, limit: 1 })).result['data']).toEqual([
      expect.objectContaining({ complaintState: 'PENDING' }),
    ]);
  });

  it('accepts the third-party fields: actType on a reply, responseContent and responseImages on a completion', async () => {
    const pending = await anyComplaintOf(first, 'PENDING');
    const reply = (actType: unknown) =>
      call('COMPLAINT_COMMIT_RESPONSE', { complaintId: pending.complaintId, responseContent: '您好', responseImages: [], actType });
    expect((await reply('x')).answer).toMatchObject({ success: false, errorCode: '130002', errorMsg: 'actType 参数校验失败' });
    expect((await reply(1.5)).answer.errorCode).toBe('130002');
    expect((await reply(1)).result['respCode']).toBe('130000');
    expect((await reply('2')).result['respCode']).toBe('130000');
    const complete = (extra: Record<string, unknown>) => call('COMPLAINT_COMMIT_COMPLETE', { complaintId: pending.complaintId, ...extra });
    expect((await complete({ responseContent: 'x'.repeat(201) })).answer.errorCode).toBe('130002');
    expect((await complete({ responseContent: '已处理', responseImages: ['1', '2', '3', '4', '5'] })).answer.errorCode).toBe('130009');
    expect((await complete({ responseContent: '已处理', responseImages: 'nope' })).answer.errorCode).toBe('130002');
    expect((await complete({ responseContent: '已处理', responseImages: [] })).result['respCode']).toBe('130000');
    expect((await call('COMPLAINT_QUERY', { complaintId: pending.complaintId, limit: 1 })).result['data']).toEqual([
      expect.objectContaining({ complaintState: 'PROCESSED' }),
    ]);
  });

  it('completes once: a second completion is accepted and changes nothing', async () => {
    const open = await anyComplaintOf(first, 'PROCESSING');
    expect((await call('COMPLAINT_COMMIT_COMPLETE', { complaintId: open.complaintId })).result['respCode']).toBe('130000');
    expect((await call('COMPLAINT_COMMIT_COMPLETE', { complaintId: open.complaintId })).result['respCode']).toBe('130000');
    const history = (await call('COMPLAINT_QUERY_HISTORY', { complaintId: open.complaintId, limit: 50 })).result['data'] as { operateType: string }[];
    expect(history.filter((e) => e.operateType === 'MERCHANT_CONFIRM_COMPLETE')).toHaveLength(1);
  });
});

describe('faults', () => {
  it('answers an injected status once, for the named endpoint only, counting the call', async () => {
    await control('POST', '/sandbox/faults', { kind: 'status', status: 503, endpoint: 'queryComplaints' });
    sandbox.resetStats();
    expect((await call('COMPLAINT_FILE_UPLOAD', { img: 'x' })).answer.errorCode).toBe('130008');
    const failed = await post('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 });
    expect(failed.status).toBe(503);
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 })).answer.success).toBe(true);
    expect(sandbox.stats()).toMatchObject({ queryComplaints: 2, uploadFile: 1 });
  });

  it('drops the connection, delays by latency, and keeps a fault for its duration', async () => {
    await control('POST', '/sandbox/faults', { kind: 'drop', endpoint: 'queryComplaints', count: 1 });
    await expect(post('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 })).rejects.toThrow();
    await control('POST', '/sandbox/faults', { kind: 'latency', ms: 150, endpoint: 'queryComplaints' });
    const started = Date.now();
    expect((await call('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 })).verified).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await control('POST', '/sandbox/faults', { kind: 'status', status: 500, durationMs: 60_000 });
    for (const method of ['COMPLAINT_QUERY', 'COMPLAINT_FILE_UPLOAD', 'COMPLAINT_QUERY'] as const) {
      expect((await post(method, { ...LAST_30_DAYS, limit: 1 })).status).toBe(500);
    }
    expect((await control('POST', '/sandbox/faults', { kind: 'explode' })).status).toBe(400);
    // A reset disarms every fault.
    await control('POST', '/sandbox/reset');
    expect((await post('COMPLAINT_QUERY', { ...LAST_30_DAYS, limit: 1 })).status).toBe(200);
  });
});

describe('control API', () => {
  it('files complaints and user messages, resets the seed, and counts verified calls only', async () => {
    const filed = await control('POST', '/sandbox/complaints', { merchantNo: first.merchantNo, merchantTradeNo: 'HSQTEST0001', amount: 4200 });
    expect(filed.status).toBe(201);
    const complaintId = filed.json['complaintId'] as string;
    expect(complaintId).toMatch(/^2009\d{23}$/);
    const found = await call('COMPLAINT_QUERY', { merchantTradeNo: 'HSQTEST0001', limit: 1 });
    expect(found.result['data']).toEqual([expect.objectContaining({ complaintId, amount: 4200, complaintState: 'PENDING' })]);
    // Lookups by order number are counted apart, so a test can tell them from a scan of windows.
    expect(sandbox.stats()['queryComplaintsByMerchantTradeNo']).toBe(1);
    // Another merchant's order number finds nothing (no code: 130003 is about complaint ids).
    expect((await call('COMPLAINT_QUERY', { merchantTradeNo: 'HSQTEST0001', limit: 1 }, { as: second })).result).toMatchObject({ totalSize: 0, data: [] });
    expect((await control('POST', `/sandbox/complaints/${complaintId}/user-messages`, { content: '还没退款' })).status).toBe(201);
    const history = (await call('COMPLAINT_QUERY_HISTORY', { complaintId, limit: 10 })).result['data'] as { operateType: string; operateDetails: string }[];
    expect(history.map((e) => e.operateType)).toEqual(['USER_CREATE_COMPLAINT', 'USER_RESPONSE']);
    expect((await control('POST', '/sandbox/complaints', { merchantNo: '814000999999' })).status).toBe(400);
    expect((await control('POST', '/sandbox/complaints/200000000000000000000000000/user-messages', {})).status).toBe(404);

    expect((await control('GET', '/sandbox/stats')).json).toMatchObject({ queryComplaints: 2, queryComplaintsByMerchantTradeNo: 2, queryHistory: 1 });
    expect((await control('POST', '/sandbox/reset')).status).toBe(204);
    expect((await control('GET', '/sandbox/stats')).json).toEqual({
      queryComplaints: 0,
      queryHistory: 0,
      commitResponse: 0,
      commitComplete: 0,
      uploadFile: 0,
      downloadFile: 0,
    });
    expect((await call('COMPLAINT_QUERY', { merchantTradeNo: 'HSQTEST0001', limit: 1 })).result['data']).toEqual([]);
  });

  it('refuses bad control bodies and unknown control paths', async () => {
    const raw = await fetch(`${sandbox.baseUrl}/sandbox/faults`, { method: 'POST', body: '{' });
    expect(raw.status).toBe(400);
    expect((await control('PUT', '/sandbox/notification-url', { url: 'ftp://example.test' })).status).toBe(400);
    expect((await control('GET', '/sandbox/nothing')).status).toBe(404);
  });

  it('delivers notifications signed like a request with the platform key, redelivering until SUCCESS', async () => {
    const deliveries: Record<string, string>[] = [];
    const contentTypes: (string | undefined)[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        contentTypes.push(request.headers['content-type']);
        deliveries.push(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
        // The first delivery is refused: it must come again.
        response.writeHead(200, { 'content-type': 'text/plain' }).end(deliveries.length === 1 ? 'failure' : 'SUCCESS');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
      expect((await control('PUT', '/sandbox/notification-url', { url })).json).toEqual({ url });
      const filed = await control('POST', '/sandbox/complaints', { merchantNo: second.merchantNo });
      for (let i = 0; i < 100 && deliveries.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(deliveries).toHaveLength(2);
      expect(contentTypes).toEqual(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded']);
      const [delivery, again] = deliveries;
      expect(again).toEqual(delivery);
      if (delivery === undefined) throw new Error('no delivery');
      expect(delivery).toMatchObject({ method: 'COMPLAINT_NOTIFY', version: '1.0', format: 'JSON', merchantNo: second.merchantNo, signType: 'RSA2' });
      expect(JSON.parse(delivery['signContent'] ?? '')).toMatchObject({ actionType: 'CREATE_COMPLAINT', complaintId: filed.json['complaintId'] });
      const text = signString(
        REQUEST_FIELDS.map((name) => [name, delivery[name]] as const),
        second.signKey,
      );
      expect(rsa2Verifies(text, delivery['sign'] ?? '', platformKey)).toBe(true);
      expect(
        rsa2Verifies(
          signString(
            REQUEST_FIELDS.map((name) => [name, delivery[name]] as const),
            first.signKey,
          ),
          delivery['sign'] ?? '',
          platformKey,
        ),
      ).toBe(false);
    } finally {
      await control('PUT', '/sandbox/notification-url', { url: 'http://127.0.0.1:9/closed' });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
