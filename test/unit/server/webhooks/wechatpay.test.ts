import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ComplaintEvent } from '../../../../src/domain/events.js';
import { createEventLog, type EventLog } from '../../../../src/events/event-log.js';
import { createFixedClock } from '../../../helpers/fixed-clock.js';
import { wechatPayModule } from '../../../../src/providers/wechatpay/module.js';
import { createProviderWebhook } from '../../../../src/server/webhooks/notification-intake.js';
import type { WebhookHandler, WebhookRequest } from '../../../../src/server/webhooks/notification-intake.js';
import { createDelivery, createReferenceReceiver, type DeliveryOptions, type WechatPayNotificationKeys } from './wechatpay-notification-fixture.js';

const NOW = Date.parse('2026-11-22T11:00:00.000Z');
const MCHID = '1900000001';
const API_V3_KEY = 'a7c9e1b3d5f70e2c4a6b8d0f1e3c5a79'; // 32 ASCII bytes, as WeChat issues it
const KEY_ID = 'PUB_KEY_ID_0119000000012026112200000000000001';
const clock = createFixedClock(NOW);

let forgerKey: KeyObject;

let keys: WechatPayNotificationKeys;
const delivery = (options: DeliveryOptions = {}, account = 'main'): WebhookRequest => createDelivery(keys, clock, options, account);

let dir = '';
let eventLog: EventLog;
let logLines: string[];
let accepted: ComplaintEvent[][];
let handler: WebhookHandler;

function webhook(log: EventLog, onAccepted?: (events: readonly ComplaintEvent[]) => void): WebhookHandler {
  return createProviderWebhook(wechatPayModule, {
    receivers: new Map([['main', createReferenceReceiver(keys, clock)]]),
    eventLog: log,
    onAccepted:
      onAccepted ??
      ((events) => {
        accepted.push([...events]);
      }),
    logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    maxBodyBytes: 4096,
    clock,
  });
}

/** Every notification id in the log, paged like a polling client. */
async function pollAll(log: EventLog, first: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await log.list({ first, ...(after === undefined ? {} : { after }) });
    ids.push(...page.entries.map((entry) => entry.event.notificationId));
    after = page.entries.at(-1)?.cursor ?? after;
    if (!page.hasNextPage) return ids;
  }
}

async function storedIds(log: EventLog = eventLog): Promise<string[]> {
  return (await log.list({ first: 500 })).entries.map((entry) => entry.event.notificationId);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wechatpay-webhook-'));
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keys = {
    mchid: MCHID,
    apiV3Key: API_V3_KEY,
    keyId: KEY_ID,
    platformPrivateKey: platform.privateKey,
    platformPublicKey: platform.publicKey,
  };
  forgerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let logs = 0;
beforeEach(async () => {
  eventLog = await createEventLog({ store: 'sqlite', path: join(dir, `events-${++logs}.sqlite`) });
  logLines = [];
  accepted = [];
  handler = webhook(eventLog);
  return () => eventLog.close();
});

describe('WeChat Pay webhook', () => {
  it('stores a verified notification, hands it to onAccepted and answers 204', async () => {
    const request = delivery({ id: 'a1b2c3d4-0000-0000-0000-000000000001' });
    const response = await handler(request);
    expect(response).toEqual({ status: 204, headers: {}, body: '' });

    const [entry] = (await eventLog.list({ first: 10 })).entries;
    expect(entry?.event).toEqual({
      notificationId: 'a1b2c3d4-0000-0000-0000-000000000001',
      complaint: { provider: 'WECHAT_PAY', merchantNo: MCHID, complaintId: '2002018202611220a1b2' },
      actionType: 'CREATE_COMPLAINT',
      providerTime: '2026-11-22T19:00:00+08:00',
      receivedAt: '2026-11-22T11:00:00.000Z',
    });
    expect(accepted).toEqual([[entry?.event]]);
  });

  it('answers a redelivery with success without a second event, also when deliveries race', async () => {
    const request = delivery();
    expect((await handler(request)).status).toBe(204);
    expect((await handler(request)).status).toBe(204);
    const racing = delivery();
    const responses = await Promise.all(Array.from({ length: 8 }, () => handler(racing)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(204));

    expect((await storedIds()).sort()).toEqual([request, racing].map((r) => JSON.parse(r.body.toString()).id).sort());
    expect(logLines.filter((line) => line.includes('notification redelivered'))).toHaveLength(8);
    // Only first deliveries reach onAccepted: a redelivery or replay invalidates nothing.
    expect(accepted.map((events) => events.map((event) => event.notificationId)).sort()).toEqual(
      [request, racing].map((r) => [JSON.parse(r.body.toString()).id]).sort(),
    );
  });

  const rejections: [string, () => WebhookRequest, number][] = [
    ['a forged signature', () => delivery({ signWith: forgerKey }), 401],
    ['an unknown key serial', () => delivery({ serial: 'PUB_KEY_ID_0119999999992026112200000000000009' }), 401],
    ['a stale timestamp', () => delivery({ timestamp: Math.floor(NOW / 1000) - 301 }), 401],
    ['a future timestamp', () => delivery({ timestamp: Math.floor(NOW / 1000) + 301 }), 401],
    ['a signature probe', () => delivery({ signature: `WECHATPAY/SIGNTEST/${'A'.repeat(300)}` }), 401],
    ['a tampered ciphertext', () => delivery({ tamper: (sealed) => void (sealed[0] = (sealed[0] ?? 0) ^ 1) }), 400],
    ['a tampered tag', () => delivery({ tamper: (sealed) => void (sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1) }), 400],
    ['wrong associated data', () => delivery({ aad: 'complaint', declaredAad: 'certificate' }), 400],
    ['malformed JSON', () => delivery({ body: 'a-body-the-log-must-not-quote {"id": 1}' }), 400],
    ['an oversized body', () => delivery({ body: JSON.stringify({ id: 'big', pad: 'x'.repeat(5000) }) }), 413],
    ['an unknown account', () => delivery({}, 'someone-else'), 404],
  ];

  for (const [name, makeRequest, status] of rejections) {
    it(`rejects ${name} with ${status}, FAIL and no event`, async () => {
      const request = makeRequest();
      const response = await handler(request);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body)).toEqual({ code: 'FAIL', message: expect.any(String) });
      expect(await storedIds()).toEqual([]);
      expect(accepted).toEqual([]);

      const logged = logLines.join('\n');
      expect(logged).toContain(`"status":${status}`);
      expect(logged).not.toContain(API_V3_KEY);
      // No 10-character piece of the body or signature (V8 quotes 10 in its JSON errors); quote-free
      // pieces only, since pino escapes quotes.
      for (const text of [request.body.toString('utf8'), String(request.headers['Wechatpay-Signature'])]) {
        for (let i = 0; i + 10 <= text.length; i++) {
          const piece = text.slice(i, i + 10);
          if (!/["\\]/.test(piece)) expect(logged, piece).not.toContain(piece);
        }
      }
    });
  }

  it('answers 500 when the log cannot store, so WeChat retries, and stores the retry once', async () => {
    const broken = await createEventLog({ store: 'sqlite', path: join(dir, 'broken.sqlite') });
    await broken.close();
    const request = delivery();
    const failed = await webhook(broken)(request);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toMatchObject({ code: 'FAIL' });
    expect(accepted).toEqual([]);
    expect(logLines.join('\n')).toContain('EVENT_LOG_UNAVAILABLE');

    expect((await handler(request)).status).toBe(204);
    expect((await handler(request)).status).toBe(204);
    expect(await storedIds()).toHaveLength(1);
  });

  it('answers 500 when onAccepted fails; the redelivery is a duplicate, acknowledged without running it again', async () => {
    let calls = 0;
    const flaky = webhook(eventLog, () => {
      calls += 1;
      if (calls === 1) throw new Error('cache store unreachable');
    });
    const request = delivery();
    expect((await flaky(request)).status).toBe(500);
    expect((await flaky(request)).status).toBe(204);
    // What the hook failed to do stays undone (cached data then lives until its TTL).
    expect(calls).toBe(1);
    expect(await storedIds()).toHaveLength(1);
  });

  // The long soak (1,000 sandbox-signed notifications through the whole gateway) is
  // test/e2e/notifications-exactly-once.test.ts; this one keeps what only the handler level can do:
  // a real SQLITE_BUSY from another connection's write lock and a failing onAccepted hook.
  it('holds 200 deliveries with 15 % redeliveries exactly once through store and hook failures and a restart', async () => {
    const path = join(dir, 'exactly-once.sqlite');
    const openLog = () => createEventLog({ store: 'sqlite', path, busyTimeoutMs: 20 });
    const handed: string[] = [];
    const invalidated = new Set<string>();
    const failed = new Set<string>();
    let hookCalls = 0;
    const onAccepted = (events: readonly ComplaintEvent[]): void => {
      hookCalls += 1;
      handed.push(...events.map((event) => event.notificationId));
      if (hookCalls % 13 === 0) {
        for (const event of events) failed.add(event.notificationId);
        throw new Error('cache store unreachable');
      }
      for (const event of events) invalidated.add(event.notificationId);
    };
    let log = await openLog();
    let intake = webhook(log, onAccepted);

    let seed = 5;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const originals: WebhookRequest[] = [];
    const sequence: WebhookRequest[] = [];
    for (let i = 0; i < 200; i++) {
      const earlier = originals[Math.floor(random() * originals.length)];
      if (earlier !== undefined && random() < 0.15) sequence.push(earlier);
      else {
        originals.push(delivery({ id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}` }));
        sequence.push(originals.at(-1) as WebhookRequest);
      }
    }

    // Another process holding SQLite's write lock makes appends fail for real (SQLITE_BUSY).
    const locker = new sqlite3.Database(path);
    const exec = (sql: string) => new Promise<void>((resolve, reject) => locker.exec(sql, (e) => (e ? reject(e) : resolve())));
    const redeliver: WebhookRequest[] = [];
    for (let start = 0; start < sequence.length; start += 8) {
      if (start === 48) await exec('BEGIN IMMEDIATE');
      if (start === 72) await exec('ROLLBACK');
      if (start === 104) {
        await log.close();
        log = await openLog();
        intake = webhook(log, onAccepted);
      }
      const batch = sequence.slice(start, start + 8);
      const answers = await Promise.all(batch.map((request) => intake(request)));
      answers.forEach((answer, i) => {
        if (answer.status === 204) return;
        expect(answer.status).toBe(500);
        redeliver.push(batch[i] as WebhookRequest);
      });
    }
    await new Promise<void>((resolve) => locker.close(() => resolve()));
    // All 24 deliveries under the lock, and every 13th hook call.
    expect(redeliver.length).toBeGreaterThanOrEqual(24 + 10);

    // WeChat redelivers each failed notification until it hears success.
    for (let request = redeliver.shift(); request !== undefined; request = redeliver.shift()) {
      if ((await intake(request)).status !== 204) redeliver.push(request);
    }

    const uniqueIds = originals.map((request) => (JSON.parse(request.body.toString('utf8')) as { id: string }).id);
    const polled = await pollAll(log, 7);
    expect(polled).toHaveLength(uniqueIds.length);
    expect([...polled].sort()).toEqual([...uniqueIds].sort());
    expect(polled).toEqual(await pollAll(log, 500));
    // Each notification reaches the hook once, at its first stored delivery, never on a redelivery.
    expect([...handed].sort()).toEqual([...uniqueIds].sort());
    expect(failed.size).toBeGreaterThan(0);
    expect([...invalidated, ...failed].sort()).toEqual([...uniqueIds].sort());
    await log.close();
  });
});
