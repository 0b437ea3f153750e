import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { createEventLog, type EventLog } from '../../src/events/event-log.js';
import { systemClock, type Clock } from '../../src/providers/http/clock.js';
import { createHuishouqianAccount, type HuishouqianAccountOptions } from '../../src/providers/huishouqian/account.js';
import { huishouqianModule } from '../../src/providers/huishouqian/module.js';
import { FALLBACK_BUCKET_MS } from '../../src/providers/huishouqian/notifications.js';
import type { ComplaintProvider } from '../../src/providers/provider.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from '../../src/sandbox/huishouqian/server.js';
import { createProviderWebhook, type WebhookHandler, type WebhookRequest } from '../../src/server/webhooks/notification-intake.js';
import { huishouqianAccountFromKeys } from '../helpers/huishouqian-account.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';

/*
 * Huishouqian notifications carry no id (spec 2.1): the sandbox sends what the real platform sends,
 * and the gateway's receiver, behind the real intake and event log, must still count every change
 * once. Deliveries are captured by a recorder and handed to the intake by hand, so each test
 * decides when (and how often) a notification arrives.
 */

let sandbox: HuishouqianSandbox;
let options: HuishouqianAccountOptions;
let recorder: Server;
let deliveries: Buffer[] = [];
let dir = '';
let eventLog: EventLog;
let logs = 0;
// The receiver's clock: real time (the sandbox stamps history in real time), moved on by hand.
let now = Date.now();
const clock: Clock = { now: () => now, nonce: systemClock.nonce };

async function control(method: string, path: string, body: unknown = {}): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Waits for the sandbox's next delivery (it is acknowledged at once, so never redelivered by itself). */
async function nextDelivery(): Promise<Buffer> {
  const seen = deliveries.length;
  for (let i = 0; i < 500 && deliveries.length === seen; i++) await new Promise((r) => setTimeout(r, 10));
  const delivery = deliveries[seen];
  if (delivery === undefined) throw new Error('the sandbox sent no notification');
  return delivery;
}

function webhookFor(capabilities: HuishouqianAccountOptions['capabilities'] = {}): WebhookHandler {
  const account = createHuishouqianAccount({ ...options, clock, capabilities });
  return createProviderWebhook(huishouqianModule, {
    receivers: new Map([['hsq', account.notifications]]),
    eventLog,
    logger: pino({ level: 'silent' }),
    clock,
  });
}

const request = (body: Buffer): WebhookRequest => ({ account: 'hsq', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

async function stored(): Promise<{ actionType: string; complaintId: string; notificationId: string }[]> {
  return (await eventLog.list({ first: 100 })).entries.map(({ event }) => ({
    actionType: event.actionType,
    complaintId: event.complaint.complaintId,
    notificationId: event.notificationId,
  }));
}

const merchantNo = (): string => options.merchants[0]?.merchantNo ?? '';

async function fileComplaint(): Promise<{ complaintId: string; created: Buffer }> {
  const answer = (await (await control('POST', '/sandbox/complaints', { merchantNo: merchantNo() })).json()) as { complaintId: string };
  return { complaintId: answer.complaintId, created: await nextDelivery() };
}

async function userMessage(complaintId: string, content: string): Promise<Buffer> {
  expect((await control('POST', `/sandbox/complaints/${complaintId}/user-messages`, { content })).status).toBe(201);
  return nextDelivery();
}

beforeAll(async () => {
  sandbox = await startHuishouqianSandbox({ credentials: sharedSandboxKeyrings().huishouqian, notificationTimeScale: 0.001 });
  options = huishouqianAccountFromKeys(sandbox.keys);
  recorder = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(join(tmpdir(), 'huishouqian-notifications-'));
});

afterAll(async () => {
  recorder?.closeAllConnections();
  await new Promise((resolve) => recorder?.close(resolve));
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  now = Date.now();
  deliveries = [];
  expect((await control('POST', '/sandbox/reset')).status).toBe(204);
  const url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/notify`;
  expect((await control('PUT', '/sandbox/notification-url', { url })).status).toBe(200);
  eventLog = await createEventLog({ store: 'sqlite', path: join(dir, `events-${++logs}.sqlite`) });
});

afterEach(async () => {
  await eventLog.close();
});

describe('Huishouqian notifications without ids', () => {
  it('sends no id field: the signed content is only actionType and complaintId', async () => {
    const { complaintId, created } = await fileComplaint();
    const signContent = new URLSearchParams(created.toString('utf8')).get('signContent');
    expect(JSON.parse(signContent ?? '')).toEqual({ actionType: 'CREATE_COMPLAINT', complaintId });
  });

  it('records two byte-identical USER_RESPONSE notifications for two messages as two events, and a redelivery as none', async () => {
    const webhook = webhookFor();
    const { complaintId, created } = await fileComplaint();
    expect(await webhook(request(created))).toMatchObject({ status: 200, body: 'SUCCESS' });

    const first = await userMessage(complaintId, '还没退款');
    expect(await webhook(request(first))).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect((await stored()).map((e) => e.actionType)).toEqual(['CREATE_COMPLAINT', 'USER_RESPONSE']);

    const second = await userMessage(complaintId, '请尽快处理');
    // What makes content-based dedupe wrong: the two notifications are the same bytes.
    expect(second.equals(first)).toBe(true);
    expect(await webhook(request(second))).toMatchObject({ status: 200, body: 'SUCCESS' });
    const afterSecond = await stored();
    expect(afterSecond.map((e) => `${e.complaintId}/${e.actionType}`)).toEqual([
      `${complaintId}/CREATE_COMPLAINT`,
      `${complaintId}/USER_RESPONSE`,
      `${complaintId}/USER_RESPONSE`,
    ]);
    expect(new Set(afterSecond.map((e) => e.notificationId)).size).toBe(3);

    // Redeliveries (of either identical body, and of the first one) find the same entries.
    now += 60_000;
    for (const redelivery of [first, second, created]) expect(await webhook(request(redelivery))).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect(await stored()).toEqual(afterSecond);
  });

  it('names each event by its history entry, so a redelivery after a later change adds only that change', async () => {
    const webhook = webhookFor();
    const { complaintId, created } = await fileComplaint();
    const message = await userMessage(complaintId, '还没退款');
    // Both notifications arrive late, after the user's message: the first already records both changes.
    expect(await webhook(request(created))).toMatchObject({ status: 200 });
    expect(await webhook(request(message))).toMatchObject({ status: 200 });
    expect((await stored()).map((e) => e.actionType)).toEqual(['CREATE_COMPLAINT', 'USER_RESPONSE']);
  });

  it('records an old complaint’s new message, not its whole past (entries older than 24 hours are left out)', async () => {
    const merchant = createHuishouqianAccount(options).providers[0] as ComplaintProvider;
    const today = beijingToday(new Date());
    const page = await merchant.listComplaints({ from: addDays(today, -29), to: addDays(today, -3), limit: 50, offset: 0 });
    let old: string | undefined;
    for (const complaint of page.complaints) {
      const history = await merchant.getNegotiationHistory(complaint.key.complaintId, { limit: 10, offset: 0 });
      if (history.entries.length >= 2) {
        old = complaint.key.complaintId;
        break;
      }
    }
    if (old === undefined) throw new Error('no old complaint with a history in the seed');
    const message = await userMessage(old, '三天了还没处理');
    expect(await webhookFor()(request(message))).toMatchObject({ status: 200 });
    expect(await stored()).toEqual([expect.objectContaining({ complaintId: old, actionType: 'USER_RESPONSE' })]);
  });

  it('answers 5xx when the history cannot be read, so Huishouqian redelivers, and the redelivery records the change', async () => {
    const webhook = webhookFor();
    const { created } = await fileComplaint();
    // Three attempts: the first read and its two retries.
    expect((await control('POST', '/sandbox/faults', { kind: 'status', status: 503, endpoint: 'queryHistory', count: 3 })).status).toBe(201);
    expect(await webhook(request(created))).toMatchObject({ status: 500, body: 'failure' });
    expect(await stored()).toEqual([]);
    expect(await webhook(request(created))).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect((await stored()).map((e) => e.actionType)).toEqual(['CREATE_COMPLAINT']);
  });

  it('without history: identical content counts once within the time bucket and again after it', async () => {
    const webhook = webhookFor({ NEGOTIATION_HISTORY: false });
    const { complaintId } = await fileComplaint();
    const message = await userMessage(complaintId, '还没退款');
    const calls = (): number => Object.values(sandbox.stats()).reduce((sum, n) => sum + n, 0);
    const before = calls();
    now = Math.floor(now / FALLBACK_BUCKET_MS) * FALLBACK_BUCKET_MS + 1_000;
    expect(await webhook(request(message))).toMatchObject({ status: 200, body: 'SUCCESS' });
    now += FALLBACK_BUCKET_MS - 2_000;
    expect(await webhook(request(message))).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect(await stored()).toHaveLength(1);
    now += 2_000;
    expect(await webhook(request(message))).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect((await stored()).map((e) => `${e.complaintId}/${e.actionType}`)).toEqual([`${complaintId}/USER_RESPONSE`, `${complaintId}/USER_RESPONSE`]);
    // Nothing is read upstream when there is no history to read.
    expect(calls()).toBe(before);
  });

  it('with NOTIFICATIONS switched off: refused with a 4xx "failure", nothing read, nothing written', async () => {
    const webhook = webhookFor({ NOTIFICATIONS: false });
    const { created } = await fileComplaint();
    const before = sandbox.stats();
    const response = await webhook(request(created));
    expect(response).toEqual({ status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'failure' });
    expect(await stored()).toEqual([]);
    expect(sandbox.stats()).toEqual(before);
  });
});
