import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog, type EventLog, type EventLogConfig } from '../../src/events/event-log.js';
import { EventLogError } from '../../src/events/event-log-error.js';
import { postgresOrReason } from '../helpers/postgres.js';
import { recordWechatPayNotifications, seededRandom, type RecordedNotification } from '../helpers/notification-recorder.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Exactly once, end to end: 1,000 notifications signed and encrypted by the WeChat Pay sandbox are
 * recorded, then delivered to the gateway the way WeChat Pay delivers (retrying every failure),
 * with 15 % redeliveries, every ninth event-log append failing, and the gateway restarted half way.
 * A poller paging with first: 7 across the restart sees every notification once, in log order.
 * Run on each durable store: SQLite (the default) and PostgreSQL (skipped with a reason without it).
 */

const MERCHANT = '1900000101';
const NOTIFICATIONS = 1000;
const DUPLICATE_SHARE = 0.15;
const FAIL_EVERY_NTH_APPEND = 9;
const SENDERS = 8;

let sandboxes: Sandboxes;
let dir: string;
let originals: RecordedNotification[];
const postgres = await postgresOrReason('notifications exactly once on PostgreSQL');

/** The stores under test: a fresh, empty log's config for each. */
const STORES: { name: string; skip: boolean; config: () => Promise<EventLogConfig> }[] = [
  { name: 'SQLite', skip: false, config: async () => ({ store: 'sqlite', path: join(dir, 'events.sqlite') }) },
  {
    name: 'PostgreSQL',
    skip: 'reason' in postgres,
    config: async () => ({ store: 'postgres', url: 'admin' in postgres ? await postgres.admin.createDatabase('exactly_once') : '' }),
  },
];

/**
 * The real log, whose every ninth append fails: half of them before writing (a busy store), half
 * after the write committed (the answer is lost), so the redelivery finds it already there.
 */
function failingEveryNth(log: EventLog, n: number): EventLog & { failures: () => number } {
  let calls = 0;
  let failures = 0;
  return {
    append: async (events) => {
      calls += 1;
      if (calls % n !== 0) return log.append(events);
      failures += 1;
      if (failures % 2 === 0) await log.append(events);
      throw new EventLogError('injected: the event log store failed');
    },
    list: (query) => log.list(query),
    prune: (now) => log.prune(now),
    check: () => log.check(),
    close: () => log.close(),
    failures: () => failures,
  };
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
  dir = await mkdtemp(join(tmpdir(), 'exactly-once-'));
  originals = await recordWechatPayNotifications(sandboxes, MERCHANT, NOTIFICATIONS);
}, 60_000);

afterAll(async () => {
  await sandboxes?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if ('admin' in postgres) await postgres.admin.close();
});

describe.each(STORES)('notifications, exactly once ($name)', (store) => {
  it.skipIf(store.skip)(
    'stores and serves every notification once, in order, through failures, redeliveries and a restart',
    async () => {
      const config = await store.config();
      const next = seededRandom(20261122);
      expect(originals).toHaveLength(NOTIFICATIONS);
      // Redeliveries land a little after their original, as a lost acknowledgement would cause.
      const schedule: RecordedNotification[] = [...originals];
      for (let i = 0; i < NOTIFICATIONS * DUPLICATE_SHARE; i++) {
        const original = Math.floor(next() * NOTIFICATIONS);
        const at = Math.min(schedule.length, original + 1 + Math.floor(next() * 40));
        schedule.splice(at, 0, originals[original] as RecordedNotification);
      }

      const open = async () => failingEveryNth(await createEventLog(config), FAIL_EVERY_NTH_APPEND);
      let log = await open();
      // The restarted gateway has the same secret, as a redeployed one does: the poller's cursor stays valid.
      const env = { MEDIA_TOKEN_SECRET: randomBytes(32).toString('hex') };
      let gateway: GatewayUnderTest = await startGateway(sandboxes, { eventLog: log, env });
      let injected = 0;
      let answered = 0;
      let restarted = false;
      let failedAttempts = 0;

      // WeChat Pay's side: every delivery is retried until it is acknowledged with a 2xx.
      const queue = [...schedule];
      const deliver = async (delivery: RecordedNotification): Promise<void> => {
        for (;;) {
          let status: number | null = null;
          try {
            const response = await fetch(`${gateway.url}/webhooks/wechatpay/${MERCHANT}`, {
              method: 'POST',
              headers: delivery.headers,
              body: new Uint8Array(delivery.body),
            });
            await response.arrayBuffer();
            status = response.status;
          } catch {
            // The gateway is restarting: connection refused or reset.
          }
          if (status !== null && status >= 200 && status < 300) return;
          // Only our own failure (500, "retry later") is expected; a refusal would be a bug.
          if (status !== null && status !== 500) throw new Error(`delivery ${delivery.id} refused with ${status}`);
          failedAttempts += 1;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      const restart = async (): Promise<void> => {
        injected += log.failures();
        await gateway.close();
        log = await open();
        gateway = await startGateway(sandboxes, { eventLog: log, env });
      };

      // The poller: small pages, its cursor kept across the restart.
      const seen: string[] = [];
      let cursor: string | null = null;
      const poll = async (): Promise<boolean> => {
        const { body } = await gateway.graphql<{
          complaintEvents: { edges: { cursor: string; node: { notificationId: string } }[]; pageInfo: { hasNextPage: boolean } };
        }>(`query($after: String) { complaintEvents(first: 7, after: $after) { edges { cursor node { notificationId } } pageInfo { hasNextPage } } }`, {
          after: cursor,
        });
        expect(body.errors).toBeUndefined();
        const connection = body.data?.complaintEvents;
        for (const edge of connection?.edges ?? []) {
          seen.push(edge.node.notificationId);
          cursor = edge.cursor;
        }
        return connection?.pageInfo.hasNextPage ?? false;
      };

      let sending = true;
      const senders = Array.from({ length: SENDERS }, async () => {
        for (let delivery = queue.shift(); delivery !== undefined; delivery = queue.shift()) {
          await deliver(delivery);
          answered += 1;
          if (!restarted && answered >= schedule.length / 2) {
            restarted = true;
            await restart();
          }
        }
      });
      const poller = (async () => {
        while (sending) {
          try {
            await poll();
          } catch {
            // Mid-restart; the cursor is unchanged, so the next poll resumes from it.
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      await Promise.all(senders);
      sending = false;
      await poller;
      while (await poll());
      injected += log.failures();

      const unique = new Set(originals.map((delivery) => delivery.id));
      expect(restarted).toBe(true);
      expect(injected).toBeGreaterThan(50);
      expect(failedAttempts).toBeGreaterThanOrEqual(injected);
      expect(seen).toHaveLength(unique.size);
      expect(new Set(seen)).toEqual(unique);

      // The poller's order is the log's order, as a fresh reader sees it from the start.
      const all: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await log.list({ first: 100, ...(after === undefined ? {} : { after }) });
        all.push(...page.entries.map((entry) => entry.event.notificationId));
        after = page.entries.at(-1)?.cursor ?? after;
        if (!page.hasNextPage) break;
      }
      expect(seen).toEqual(all);
      await gateway.close();
    },
    60_000,
  );
});
