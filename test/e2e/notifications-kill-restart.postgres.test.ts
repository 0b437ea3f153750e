import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../../src/events/event-log.js';
import type { EventLogEntry } from '../../src/events/event-log-entry.js';
import { configFromSandboxKeys } from '../../src/sandbox/sandbox-config.js';
import { recordWechatPayNotifications, type RecordedNotification } from '../helpers/notification-recorder.js';
import { postgresOrReason } from '../helpers/postgres.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * The crash a process manager sees: a gateway process on the PostgreSQL event log takes a steady
 * stream of real WeChat Pay notifications, is killed with SIGKILL mid-stream (requests in flight,
 * no shutdown of any kind), and is started again. Delivered as WeChat Pay delivers (each one again
 * until a 2xx), every notification that got a 2xx is in the log exactly once, and so is every other.
 */

const MERCHANT = '1900000101';
const NOTIFICATIONS = 240;
const SENDERS = 6;
const KILL_AFTER_ACKS = 80;

const postgres = await postgresOrReason('gateway killed mid-stream on PostgreSQL');

let sandboxes: Sandboxes;
let dir: string;
let originals: RecordedNotification[];
let gateway: SpawnedGateway | undefined;

describe.skipIf('reason' in postgres)('a gateway process killed mid-stream, on PostgreSQL', () => {
  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
    dir = await mkdtemp(join(tmpdir(), 'kill-restart-'));
    originals = await recordWechatPayNotifications(sandboxes, MERCHANT, NOTIFICATIONS);
  }, 60_000);

  afterAll(async () => {
    if (gateway !== undefined && gateway.process.exitCode === null && gateway.process.signalCode === null) {
      gateway.process.kill('SIGKILL');
      await gateway.exited;
    }
    await sandboxes?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    if ('admin' in postgres) await postgres.admin.close();
  });

  it('keeps every acknowledged notification exactly once through a kill -9 and a restart', async () => {
    if (!('admin' in postgres)) return;
    const url = await postgres.admin.createDatabase('kill_restart');
    // A config file as an operator writes one: the sandbox's accounts, the event log in PostgreSQL.
    const configFile = join(dir, 'gateway.json');
    await writeFile(configFile, JSON.stringify({ ...configFromSandboxKeys(sandboxes.keys), eventLog: { store: 'postgres' } }));
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      DATABASE_URL: url,
      MEDIA_TOKEN_SECRET: randomBytes(32).toString('hex'),
    };
    const start = () => spawnGateway(['--config', configFile], env);
    let current = await start();
    gateway = current;

    const acknowledged = new Map<string, number>();
    let failedAttempts = 0;
    let killed = false;
    let acksBeforeKill = 0;
    let restarted: Promise<void> | null = null;

    const killAndRestart = async (): Promise<void> => {
      acksBeforeKill = [...acknowledged.values()].reduce((sum, n) => sum + n, 0);
      current.process.kill('SIGKILL');
      await current.exited;
      killed = true;
      current = await start();
      gateway = current;
    };

    // WeChat Pay's side: each delivery is sent until a 2xx; a refused or reset connection is retried.
    const deliver = async (delivery: RecordedNotification): Promise<void> => {
      for (;;) {
        let status: number | null = null;
        try {
          const response = await fetch(`${current.url}/webhooks/wechatpay/${MERCHANT}`, {
            method: 'POST',
            headers: delivery.headers,
            body: new Uint8Array(delivery.body),
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          // Killed, or not started again yet.
        }
        if (status !== null && status >= 200 && status < 300) {
          acknowledged.set(delivery.id, (acknowledged.get(delivery.id) ?? 0) + 1);
          return;
        }
        if (status !== null && status !== 500 && status !== 503) throw new Error(`delivery ${delivery.id} refused with ${status}`);
        failedAttempts += 1;
        if (restarted !== null) await restarted;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    const queue = [...originals];
    const senders = Array.from({ length: SENDERS }, async () => {
      for (let delivery = queue.shift(); delivery !== undefined; delivery = queue.shift()) {
        await deliver(delivery);
        // The kill lands while the other senders' requests are in flight.
        if (restarted === null && acknowledged.size >= KILL_AFTER_ACKS) restarted = killAndRestart();
      }
    });
    await Promise.all(senders);
    await restarted;

    expect(killed).toBe(true);
    expect(acksBeforeKill).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acknowledged.size).toBe(NOTIFICATIONS);

    // The log itself, read by a fresh reader: each acknowledged notification once, nothing else.
    const log = await createEventLog({ store: 'postgres', url });
    const stored: EventLogEntry[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await log.list({ first: 100, ...(after === undefined ? {} : { after }) });
      stored.push(...page.entries);
      after = page.entries.at(-1)?.cursor ?? after;
      if (!page.hasNextPage) break;
    }
    await log.close();
    const storedIds = stored.map((entry) => entry.event.notificationId);
    expect(storedIds).toHaveLength(new Set(storedIds).size);
    expect(new Set(storedIds)).toEqual(new Set(acknowledged.keys()));
    expect(failedAttempts).toBeGreaterThan(0);

    current.process.kill('SIGTERM');
    await current.exited;
    expect(current.process.exitCode).toBe(0);
  }, 180_000);
});
