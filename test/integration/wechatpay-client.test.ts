import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, OutcomeUnknownError, ProviderError, RateLimitedError, ValidationError } from '../../src/domain/errors.js';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import type { ComplaintProvider } from '../../src/providers/provider.js';
import { createWechatPayAccount, type WechatPayAccountOptions } from '../../src/providers/wechatpay/account.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import { wechatPayAccountsFromKeys } from '../helpers/wechatpay-account.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';

// A tiny valid PNG (1×1), built here so the upload's content check sees real magic bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let sandbox: WechatPaySandbox;
let accounts: WechatPayAccountOptions[];
let direct: ComplaintProvider;
let sub: ComplaintProvider;
const today = beijingToday(new Date());
const window = { from: addDays(today, -29), to: today };

async function control(path: string, body: unknown): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function fault(body: unknown): Promise<void> {
  expect((await control('/sandbox/faults', body)).status).toBe(201);
}

async function firstComplaint(provider: ComplaintProvider, predicate: (c: Awaited<ReturnType<ComplaintProvider['getComplaint']>>) => boolean) {
  for (let days = 0; days < 120; days += 30) {
    const range = { from: addDays(today, -days - 29), to: addDays(today, -days) };
    for (let offset = 0; ; offset += 50) {
      const page = await provider.listComplaints({ ...range, limit: 50, offset });
      const found = page.complaints.find(predicate);
      if (found) return found;
      if (page.complaints.length < 50) break;
    }
  }
  throw new Error('no such complaint in the seed');
}

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, notificationTimeScale: 0.001 });
  accounts = wechatPayAccountsFromKeys(sandbox.keys);
  const providers = accounts.flatMap((options) => createWechatPayAccount(options).providers);
  const subKey = sandbox.keys.merchants.find((m) => m.kind === 'sub');
  const directKey = sandbox.keys.merchants.find((m) => m.kind === 'direct');
  direct = providers.find((p) => p.merchant.merchantNo === directKey?.mchid) as ComplaintProvider;
  sub = providers.find((p) => p.merchant.merchantNo === subKey?.mchid) as ComplaintProvider;
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  expect((await control('/sandbox/reset', {})).status).toBe(204);
});

describe('WeChat Pay client against the sandbox', () => {
  it('lists a 30-day window newest first, with total only on the first page', async () => {
    const first = await direct.listComplaints({ ...window, limit: 10, offset: 0 });
    expect(first.complaints.length).toBeGreaterThan(0);
    expect(first.totalCount).toBeGreaterThanOrEqual(first.complaints.length);
    const times = first.complaints.map((c) => Date.parse(c.complainedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const second = await direct.listComplaints({ ...window, limit: 10, offset: 10 });
    expect(second.totalCount).toBeNull();
    expect(sandbox.stats()['listComplaints']).toBe(2);
  });

  it('refuses windows over 30 days and page sizes outside 1–50 before calling', async () => {
    await expect(direct.listComplaints({ from: addDays(today, -30), to: today, limit: 10, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(direct.listComplaints({ ...window, limit: 51, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(direct.getNegotiationHistory('200000000000000000000000001', { limit: 301, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect(sandbox.stats()['listComplaints']).toBe(0);
  });

  it('reads detail with the payer phone decrypted only on demand, for direct and sub-merchants', async () => {
    for (const provider of [direct, sub]) {
      const listed = await firstComplaint(provider, (c) => c.payerPhone !== null);
      const detail = await provider.getComplaint(listed.key.complaintId);
      expect(detail.key.merchantNo).toBe(provider.merchant.merchantNo);
      expect(detail.payerPhone?.kind).toBe('ENCRYPTED');
      expect(await provider.revealPayerPhone(detail)).toMatch(/^1\d{10}$/);
    }
  });

  it('maps unknown and foreign complaints to the same typed error', async () => {
    const unknown = await direct.getComplaint('999999999999999999999999999').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    const foreign = await firstComplaint(sub, () => true);
    // WeChat answers 403 NO_AUTH: to this merchant the complaint does not exist, in the same words.
    const refused = await direct.getComplaint(foreign.key.complaintId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotFoundError);
    expect((refused as NotFoundError).message).toBe((unknown as NotFoundError).message);
    await expect(direct.getComplaint('')).rejects.toBeInstanceOf(ValidationError);
  });

  it('replies, completes and shows the new state and history right after', async () => {
    const pending = await firstComplaint(direct, (c) => c.state.value === 'PENDING');
    const id = pending.key.complaintId;
    const { mediaId } = await direct.uploadImage({ filename: 'proof.png', bytes: PNG });
    await direct.reply(id, { text: '您好，已为您处理退款，请查收。', imageMediaIds: [mediaId], jumpUrl: null, miniProgram: null });
    expect((await direct.getComplaint(id)).state.value).toBe('PROCESSING');
    await direct.complete(id);
    expect((await direct.getComplaint(id)).state.value).toBe('PROCESSED');
    // Completing again is the same outcome for the merchant: success, not an error.
    await direct.complete(id);
    const history = await direct.getNegotiationHistory(id, { limit: 100, offset: 0 });
    const types = history.entries.map((e) => e.operateType.value);
    expect(types).toContain('MERCHANT_RESPONSE');
    expect(types.at(-1)).toBe('MERCHANT_CONFIRM_COMPLETE');
  });

  it('rejects bad replies and images before sending anything', async () => {
    const pending = await firstComplaint(direct, (c) => c.state.value === 'PENDING');
    const id = pending.key.complaintId;
    sandbox.resetStats();
    const reply = { imageMediaIds: [] as string[], jumpUrl: null, miniProgram: null };
    await expect(direct.reply(id, { ...reply, text: '好'.repeat(201) })).rejects.toBeInstanceOf(ValidationError);
    await expect(direct.reply(id, { ...reply, text: 'ok', imageMediaIds: ['a', 'b', 'c', 'd', 'e'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(direct.uploadImage({ filename: 'photo.png', bytes: Buffer.from('GIF89a not an image') })).rejects.toBeInstanceOf(ValidationError);
    await expect(direct.uploadImage({ filename: 'big.png', bytes: Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(Object.values(sandbox.stats()).reduce((a, b) => a + b, 0)).toBe(0);
    expect((await direct.getComplaint(id)).state.value).toBe('PENDING');
  });

  it('answers immediate-service replies idempotently', async () => {
    const urgent = await firstComplaint(direct, (c) => c.needImmediateService && c.state.value !== 'PROCESSED');
    const message = { blocks: [{ kind: 'TEXT' as const, text: '客服马上为您处理', color: null, bold: false }], senderIdentity: null, customData: null };
    const first = await direct.replyImmediately(urgent.key.complaintId, { message, idempotencyKey: 'key-1' });
    const again = await direct.replyImmediately(urgent.key.complaintId, { message, idempotencyKey: 'key-1' });
    expect(again.logId).toBe(first.logId);
  });

  it('downloads complaint media through a signed request and streams the image', async () => {
    const withMedia = await firstComplaint(direct, (c) => c.media.some((m) => m.urls.length > 0));
    const url = withMedia.media.flatMap((m) => m.urls)[0] as string;
    expect(url).toMatch(/%3D%3D$/);
    const download = await direct.downloadMedia({ url, complaintId: withMedia.key.complaintId });
    const chunks: Uint8Array[] = [];
    for await (const chunk of download.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).subarray(1, 4).toString('latin1')).toMatch(/PNG|\u00d8\u00ff/);
    await expect(direct.downloadMedia({ url: 'https://evil.example/steal', complaintId: withMedia.key.complaintId })).rejects.toBeInstanceOf(ValidationError);
  });

  it('manages the notification URL', async () => {
    expect(await direct.getNotificationUrl()).toBeNull();
    expect(await direct.createNotificationUrl('https://merchant.example/complaints')).toBe('https://merchant.example/complaints');
    expect(await direct.updateNotificationUrl('https://merchant.example/v2')).toBe('https://merchant.example/v2');
    expect(await direct.getNotificationUrl()).toBe('https://merchant.example/v2');
    await direct.deleteNotificationUrl();
    expect(await direct.getNotificationUrl()).toBeNull();
  });

  it('rejects an answer whose signature was tampered with', async () => {
    await fault({ kind: 'tamper-signature', endpoint: 'getComplaint', count: 1 });
    const any = await firstComplaint(direct, () => true);
    const error = await direct.getComplaint(any.key.complaintId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerCode).toBe('SIGNATURE_MISMATCH');
  });

  it('is refused by the sandbox when our request signature is wrong', async () => {
    const [options] = accounts;
    const other = accounts.find((a) => a.mchid !== options?.mchid);
    if (!options || !other) throw new Error('need two accounts');
    // Signing with another merchant's key: the sandbox's own verification must refuse it (401 SIGN_ERROR).
    const forged = createWechatPayAccount({ ...options, privateKey: other.privateKey }).providers[0] as ComplaintProvider;
    const error = await forged.listComplaints({ ...window, limit: 1, offset: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).httpStatus).toBe(401);
    expect((error as ProviderError).providerCode).toBe('SIGN_ERROR');
  });

  it.each([
    ['a 503', { kind: 'status', status: 503 }],
    ['a dropped connection', { kind: 'drop' }],
  ])('retries reads after %s, with fresh signatures', async (_, kind) => {
    // Two failing attempts, then a good one: the sandbox refuses replayed nonces, so each retry re-signed.
    await fault({ ...kind, endpoint: 'listComplaints', count: 2 });
    sandbox.resetStats();
    const page = await direct.listComplaints({ ...window, limit: 5, offset: 0 });
    expect(page.complaints.length).toBeGreaterThan(0);
    expect(sandbox.stats()['listComplaints']).toBe(3);
  });

  it('never repeats a write after a 5xx, and reports its outcome as unknown', async () => {
    const pending = await firstComplaint(direct, (c) => c.state.value === 'PENDING');
    await fault({ kind: 'status', status: 500, endpoint: 'reply', count: 1 });
    sandbox.resetStats();
    const error = await direct.reply(pending.key.complaintId, { text: '您好', imageMediaIds: [], jumpUrl: null, miniProgram: null }).catch((e: unknown) => e);
    // WeChat may fail after applying the write: the outcome is unknown, and a blind retry could repeat it.
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as OutcomeUnknownError).retryable).toBe(false);
    expect(sandbox.stats()['reply']).toBe(1);
  });

  it('fails reads over to the backup access point when the primary cannot be reached, never writes', async () => {
    const [options] = accounts;
    if (!options) throw new Error('no account');
    // Port 9 (discard) on loopback refuses connections: a network failure before WeChat saw anything.
    const failing = createWechatPayAccount({ ...options, baseUrl: 'http://127.0.0.1:9', backupBaseUrl: sandbox.baseUrl }).providers[0] as ComplaintProvider;
    const page = await failing.listComplaints({ ...window, limit: 3, offset: 0 });
    expect(page.complaints.length).toBeGreaterThan(0);
    const error = await failing.complete(page.complaints[0]?.key.complaintId ?? '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).httpStatus).toBeNull();
  });

  it('verifies answers in certificate mode when the request names a platform certificate', async () => {
    const [options] = accounts;
    if (!options) throw new Error('no account');
    // Only certificates configured: the client asks for a certificate-signed answer and verifies it.
    const certOnly = createWechatPayAccount({ ...options, platformPublicKeys: [] }).providers[0] as ComplaintProvider;
    expect((await certOnly.listComplaints({ ...window, limit: 2, offset: 0 })).complaints.length).toBeGreaterThan(0);
  });

  it('turns the provider 429 into a typed RateLimitedError with retry-after', async () => {
    await fault({ kind: 'status', status: 429, endpoint: 'reply', count: 1 });
    const pending = await firstComplaint(direct, (c) => c.state.value === 'PENDING');
    const error = await direct.reply(pending.key.complaintId, { text: '您好', imageMediaIds: [], jumpUrl: null, miniProgram: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
  });
});
