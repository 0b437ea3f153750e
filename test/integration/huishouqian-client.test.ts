import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Complaint } from '../../src/domain/complaint.js';
import { ForbiddenError, NotFoundError, OutcomeUnknownError, ProviderError, UnsupportedError, ValidationError } from '../../src/domain/errors.js';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { systemClock } from '../../src/providers/http/clock.js';
import { createHuishouqianAccount, type HuishouqianAccount, type HuishouqianAccountOptions } from '../../src/providers/huishouqian/account.js';
import { createHuishouqianClient } from '../../src/providers/huishouqian/client.js';
import { rsa2Scheme } from '../../src/providers/huishouqian/protocol/signer.js';
import type { ComplaintProvider, ReceivedNotification } from '../../src/providers/provider.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from '../../src/sandbox/huishouqian/server.js';
import { huishouqianAccountFromKeys } from '../helpers/huishouqian-account.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';

let sandbox: HuishouqianSandbox;
let options: HuishouqianAccountOptions;
let account: HuishouqianAccount;
let merchant: ComplaintProvider;
const today = beijingToday(new Date());

async function control(method: string, path: string, body: unknown = {}): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function everyComplaint(provider: ComplaintProvider) {
  const all = [];
  for (let days = 0; days < 120; days += 30) {
    const range = { from: addDays(today, -days - 29), to: addDays(today, -days) };
    for (let offset = 0; ; offset += 11) {
      const page = await provider.listComplaints({ ...range, limit: 11, offset });
      all.push(...page.complaints);
      if (page.complaints.length < 11) break;
    }
  }
  return all;
}

beforeAll(async () => {
  sandbox = await startHuishouqianSandbox({ credentials: sharedSandboxKeyrings().huishouqian, notificationTimeScale: 0.001 });
  options = huishouqianAccountFromKeys(sandbox.keys);
  account = createHuishouqianAccount(options);
  merchant = account.providers[0] as ComplaintProvider;
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  expect((await control('POST', '/sandbox/reset')).status).toBe(204);
});

describe('Huishouqian client against the sandbox', () => {
  it('pages through 120 days without gaps or duplicates, with Beijing times and fen amounts', async () => {
    const all = await everyComplaint(merchant);
    expect(all.length).toBeGreaterThanOrEqual(50);
    expect(new Set(all.map((c) => c.key.complaintId)).size).toBe(all.length);
    expect(new Set(all.map((c) => c.state.value))).toEqual(new Set(['PENDING', 'PROCESSING', 'PROCESSED']));
    for (const c of all) {
      expect(c.complainedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(Number.isInteger(c.orders[0]?.amount)).toBe(true);
      expect(c.key.merchantNo).toBe(merchant.merchant.merchantNo);
    }
  });

  it('finds a complaint by id with its plain payer phone, and NotFoundError otherwise', async () => {
    const [some] = await everyComplaint(merchant);
    if (!some) throw new Error('empty seed');
    const detail = await merchant.getComplaint(some.key.complaintId);
    expect(detail.orders[0]?.outTradeNo).toBe(some.orders[0]?.outTradeNo);
    expect(await merchant.revealPayerPhone(detail)).toMatch(/^1\d{10}$/);
    await expect(merchant.getComplaint('200000000000000000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses another merchant’s complaint with ForbiddenError (130004)', async () => {
    const other = account.providers[1] as ComplaintProvider;
    const [foreign] = await everyComplaint(other);
    if (!foreign) throw new Error('empty seed');
    await expect(merchant.getNegotiationHistory(foreign.key.complaintId, { limit: 10, offset: 0 })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('rejects bad inputs with typed errors before calling', async () => {
    sandbox.resetStats();
    const range = { from: addDays(today, -10), to: today };
    await expect(merchant.listComplaints({ ...range, limit: 501, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(merchant.listComplaints({ ...range, limit: 10, offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(merchant.listComplaints({ from: '2026-02-30', to: today, limit: 10, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect(Object.values(sandbox.stats()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('trusts no answer for an unknown merchant (130005 cannot be signed with its key) and is refused (130002) for a bad request sign', async () => {
    const [first] = options.merchants;
    const [, second] = options.merchants;
    if (!first || !second) throw new Error('need two merchants');
    const unknown = createHuishouqianAccount({ ...options, merchants: [{ ...first, merchantNo: '814000999999' }] }).providers[0] as ComplaintProvider;
    const refused = await unknown.getComplaint('200000000000000000000000000').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).providerCode).toBe('SIGNATURE_MISMATCH');
    const forged = createHuishouqianAccount({ ...options, merchants: [{ ...first, privateKey: second.privateKey }] }).providers[0] as ComplaintProvider;
    const error = await forged.getComplaint('200000000000000000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('验签失败');
  });

  it('rejects an answer whose sign was tampered with', async () => {
    expect((await control('POST', '/sandbox/faults', { kind: 'tamper-signature', endpoint: 'queryComplaints' })).status).toBe(201);
    const error = await merchant.listComplaints({ from: addDays(today, -5), to: today, limit: 5, offset: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerCode).toBe('SIGNATURE_MISMATCH');
  });

  it('retries reads after a 5xx and never repeats a write', async () => {
    await control('POST', '/sandbox/faults', { kind: 'status', status: 503, endpoint: 'queryComplaints', count: 1 });
    sandbox.resetStats();
    await merchant.listComplaints({ from: addDays(today, -29), to: today, limit: 5, offset: 0 });
    expect(sandbox.stats()['queryComplaints']).toBe(2);
    const pending = (await everyComplaint(merchant)).find((c) => c.state.value === 'PENDING');
    if (!pending) throw new Error('no pending complaint');
    await control('POST', '/sandbox/faults', { kind: 'status', status: 500, endpoint: 'commitResponse', count: 1 });
    sandbox.resetStats();
    // A 5xx may follow the change: the outcome is unknown, never retried blindly.
    await expect(merchant.reply(pending.key.complaintId, { text: '您好', imageMediaIds: [], jumpUrl: null, miniProgram: null })).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(sandbox.stats()['commitResponse']).toBe(1);
    expect((await merchant.getComplaint(pending.key.complaintId)).state.value).toBe('PENDING');
  });

  it('turns an unverifiable or lost answer to a write into OutcomeUnknownError, sent once', async () => {
    const pending = (await everyComplaint(merchant)).find((c) => c.state.value === 'PENDING');
    if (!pending) throw new Error('no pending complaint');
    const id = pending.key.complaintId;
    sandbox.resetStats();
    await control('POST', '/sandbox/faults', { kind: 'tamper-signature', endpoint: 'commitResponse', count: 1 });
    await expect(merchant.reply(id, { text: '您好', imageMediaIds: [], jumpUrl: null, miniProgram: null })).rejects.toBeInstanceOf(OutcomeUnknownError);
    // The reply whose answer could not be trusted was applied: its outcome was unknown, not failed.
    expect((await merchant.getComplaint(id)).state.value).toBe('PROCESSING');
    await control('POST', '/sandbox/faults', { kind: 'drop-answer', endpoint: 'commitComplete', count: 1 });
    await expect(merchant.complete(id)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sandbox.stats()).toMatchObject({ commitResponse: 1, commitComplete: 1 });
    // Completed upstream although its answer never came.
    expect((await merchant.getComplaint(id)).state.value).toBe('PROCESSED');
  });

  it('uploads images checked by content and limits replies to four images (130008, 130009)', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const { mediaId } = await merchant.uploadImage({ filename: 'a.png', bytes: png });
    expect(mediaId).toMatch(/^\d+$/);
    await expect(merchant.uploadImage({ filename: 'a.png', bytes: Buffer.from('not an image') })).rejects.toBeInstanceOf(ValidationError);
    await expect(merchant.reply('1', { text: 'hi', imageMediaIds: ['1', '2', '3', '4', '5'], jumpUrl: null, miniProgram: null })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('queries by merchantTradeNo and by agentMerchantNo, and refuses a wrong agent (130006)', async () => {
    const first = options.merchants[0];
    const { agentMerchantNo } = options;
    if (first === undefined || agentMerchantNo === undefined) throw new Error('no merchant or agent');
    const { merchantNo, privateKey, signKey } = first;
    const client = createHuishouqianClient({
      baseUrl: options.baseUrl,
      merchantNo,
      privateKey,
      signKey,
      platformPublicKey: options.platformPublicKey,
      scheme: rsa2Scheme,
      clock: systemClock,
    });
    const [some] = await everyComplaint(merchant);
    const tradeNo = some?.orders[0]?.outTradeNo;
    if (tradeNo === undefined) throw new Error('no order number in the seed');
    const byTrade = await client.queryComplaints({ merchantTradeNo: tradeNo, limit: 10 });
    expect(byTrade.data?.map((c) => c.complaintId)).toEqual([some?.key.complaintId]);
    const range = { beginDate: addDays(today, -29), endDate: today, limit: 500 };
    const byAgent = await client.queryComplaints({ ...range, agentMerchantNo });
    expect(byAgent.data?.length).toBeGreaterThan(0);
    expect(byAgent.data?.every((c) => c.merchantNo === first.merchantNo)).toBe(true);
    await expect(client.queryComplaints({ ...range, agentMerchantNo: '999999999999' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('findByOutTradeNo: one merchantTradeNo call for the owner’s complaint; another merchant’s number and an impossible one find nothing', async () => {
    const other = account.providers[1] as ComplaintProvider;
    const [some] = await everyComplaint(merchant);
    const tradeNo = some?.orders[0]?.outTradeNo;
    if (some === undefined || tradeNo === undefined) throw new Error('no order number in the seed');
    sandbox.resetStats();
    const found = (await merchant.findByOutTradeNo?.(tradeNo)) ?? [];
    // Sealed fields differ on every mapping (a fresh IV each): compared opened.
    const opened = async (c: Complaint) => ({ ...c, payerPhone: await merchant.revealPayerPhone(c), payerOpenid: await merchant.revealPayerOpenid(c) });
    expect(await Promise.all(found.map(opened))).toEqual([await opened(some)]);
    expect(sandbox.stats()).toMatchObject({ queryComplaints: 1, queryComplaintsByMerchantTradeNo: 1 });
    expect(await other.findByOutTradeNo?.(tradeNo)).toEqual([]);
    sandbox.resetStats();
    // A number no order can have finds nothing, as a scan would, without a call.
    expect(await merchant.findByOutTradeNo?.('bad number')).toEqual([]);
    expect(await merchant.findByOutTradeNo?.('x'.repeat(65))).toEqual([]);
    expect(sandbox.stats()['queryComplaints']).toBe(0);
  });

  it('sends the third-party fields when switched on, and the sandbox accepts them (actType, responseContent, responseImages)', async () => {
    const switched = createHuishouqianAccount({ ...options, thirdPartyFields: { replyActType: 1, completeResponseContent: '已处理完毕' } })
      .providers[0] as ComplaintProvider;
    const pending = (await everyComplaint(switched)).find((c) => c.state.value === 'PENDING');
    if (pending === undefined) throw new Error('no pending complaint');
    await switched.reply(pending.key.complaintId, { text: '您好', imageMediaIds: [], jumpUrl: null, miniProgram: null });
    await switched.complete(pending.key.complaintId);
    expect((await switched.getComplaint(pending.key.complaintId)).state.value).toBe('PROCESSED');
  });

  it('downloads the images of a complaint’s history (COMPLAINT_FILE_DOWNLOAD), and only that complaint’s', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
    const { mediaId } = await merchant.uploadImage({ filename: 'proof.png', bytes: png });
    const [target, other] = (await everyComplaint(merchant)).filter((c) => c.state.value !== 'PROCESSED');
    if (!target || !other) throw new Error('no open complaints');
    await merchant.reply(target.key.complaintId, { text: '已退款，凭证见图', imageMediaIds: [mediaId], jumpUrl: null, miniProgram: null });
    const history = await merchant.getNegotiationHistory(target.key.complaintId, { limit: 50, offset: 0 });
    const url = history.entries.flatMap((entry) => entry.images)[0];
    if (url === undefined) throw new Error('the reply carries no image');

    const download = await merchant.downloadMedia({ url, complaintId: target.key.complaintId });
    expect(download.contentType).toBe('image/png');
    const chunks: Uint8Array[] = [];
    for await (const chunk of download.body) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(png);
    // The same URL named under another complaint is refused: a media URL opens nothing else.
    await expect(merchant.downloadMedia({ url, complaintId: other.key.complaintId })).rejects.toBeInstanceOf(ValidationError);
  });

  it('speaks the generic URL shape too: every method posted to /api/acquiring, routed by `method`', async () => {
    const stats = async () => (await (await fetch(`${sandbox.baseUrl}/sandbox/stats`)).json()) as Record<string, number>;
    const before = await stats();
    const generic = createHuishouqianAccount({ ...options, urlShape: 'generic' }).providers[0] as ComplaintProvider;
    const [some] = await everyComplaint(generic);
    if (!some) throw new Error('empty seed');
    expect((await generic.getComplaint(some.key.complaintId)).key).toEqual(some.key);
    await generic.reply(some.key.complaintId, { text: '您好，已为您处理', imageMediaIds: [], jumpUrl: null, miniProgram: null });
    const after = await stats();
    expect((after['queryComplaints'] ?? 0) - (before['queryComplaints'] ?? 0)).toBeGreaterThan(1);
    expect((after['commitResponse'] ?? 0) - (before['commitResponse'] ?? 0)).toBe(1);
    const calls = ['queryComplaints', 'commitResponse'].reduce((sum, name) => sum + (after[name] ?? 0) - (before[name] ?? 0), 0);
    expect((after['viaGenericPath'] ?? 0) - (before['viaGenericPath'] ?? 0)).toBe(calls);
  });

  it('says what Huishouqian does not offer with UnsupportedError', async () => {
    const message = { blocks: [], senderIdentity: null, customData: null };
    await expect(merchant.replyImmediately('1', { message, idempotencyKey: 'k' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(merchant.updateRefundProgress('1', { action: 'APPROVE', launchRefundDay: 0, remark: null })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(merchant.getNotificationUrl()).rejects.toBeInstanceOf(UnsupportedError);
    expect(merchant.merchant.capabilities).not.toContain('REFUND_PROGRESS');
  });

  it('delivers signed notifications that the receiver verifies and acknowledges with SUCCESS', async () => {
    const received: ReceivedNotification[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        account.notifications
          .receive({ headers: { 'content-type': request.headers['content-type'] }, body: Buffer.concat(chunks) })
          .then((result) => {
            received.push(result);
            response.writeHead(result.acknowledgement.status, { 'content-type': result.acknowledgement.contentType }).end(result.acknowledgement.body);
          })
          .catch(() => response.writeHead(401).end('failure'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/huishouqian/main`;
      expect((await control('PUT', '/sandbox/notification-url', { url })).status).toBe(200);
      const created = (await (await control('POST', '/sandbox/complaints', { merchantNo: merchant.merchant.merchantNo })).json()) as { complaintId: string };
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received[0]?.events[0]).toMatchObject({
        actionType: 'CREATE_COMPLAINT',
        complaint: { provider: 'HUISHOUQIAN', complaintId: created.complaintId },
      });
      expect(received[0]?.acknowledgement.body).toBe('SUCCESS');
      const tampered = Buffer.from(
        `method=COMPLAINT_NOTIFY&version=1.0&format=JSON&merchantNo=${merchant.merchant.merchantNo}&signType=RSA2&signContent=%7B%7D&sign=00`,
      );
      await expect(account.notifications.receive({ headers: {}, body: tampered })).rejects.toBeInstanceOf(ForbiddenError);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
