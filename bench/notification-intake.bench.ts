/**
 * Notification intake per gateway instance, embedded (SQLite) and shared (Redis) event log.
 *
 * Method: a node:http server on 127.0.0.1 routes POST /webhooks/wechatpay/main to
 * the WeChat Pay webhook (createProviderWebhook), whose receiver verifies SHA256withRSA-2048 and opens AES-256-GCM with
 * the real algorithms (test/unit/server/webhooks/wechatpay-notification-fixture.ts), appends to the
 * event log and, in onAccepted, evicts the complaint from an in-memory keyv cache. All deliveries
 * are signed and sealed before the clock starts (that is WeChat's work); 15 % of them are
 * redeliveries of earlier notifications. A client in the same process keeps CONCURRENCY requests
 * in flight over keep-alive sockets and times each from send to the end of the answer.
 * Throughput = answered deliveries / wall time; latencies are per answer. After each run the log
 * must hold every unique notification exactly once, and every answer must be 204.
 *
 * Run: npm run bench (all benchmarks)  (BENCH_NOTIFICATIONS, BENCH_CONCURRENCY,
 * BENCH_REDIS_URL override the defaults). The client shares the machine's cores with the server,
 * so the figures are a floor for one instance.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from '@redis/client';
import { Keyv } from 'keyv';
import { complaintKeyToString } from '../src/domain/complaint-key.js';
import { createEventLog, type EventLog, type EventLogConfig } from '../src/events/event-log.js';
import { systemClock } from '../src/providers/http/clock.js';
import type { WebhookRequest } from '../src/server/webhooks/notification-intake.js';
import { wechatPayModule } from '../src/providers/wechatpay/module.js';
import { createProviderWebhook } from '../src/server/webhooks/notification-intake.js';
import { createDelivery, createReferenceReceiver, type WechatPayNotificationKeys } from '../test/unit/server/webhooks/wechatpay-notification-fixture.js';

const NOTIFICATIONS = Number(process.env['BENCH_NOTIFICATIONS'] ?? 5000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const DUPLICATE_SHARE = 0.15;
const WARM_UP = 300;
const TARGET_PER_SECOND = 1000;
/** "Well inside" the provider's 5-second answer limit: a tenth of it. */
const TARGET_P99_MS = 500;
const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface RunResult {
  store: string;
  answered: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  stored: number;
  unique: number;
}

const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys: WechatPayNotificationKeys = {
  mchid: '1900000001',
  apiV3Key: 'a7c9e1b3d5f70e2c4a6b8d0f1e3c5a79',
  keyId: 'PUB_KEY_ID_0119000000012026112200000000000001',
  platformPrivateKey: platform.privateKey,
  platformPublicKey: platform.publicKey,
};

/** Deliveries in sending order; a redelivery is the identical request sent again. */
function prepareDeliveries(count: number): { deliveries: WebhookRequest[]; unique: number } {
  const deliveries: WebhookRequest[] = [];
  const originals: WebhookRequest[] = [];
  for (let i = 0; i < count; i++) {
    const earlier = originals[Math.floor(Math.random() * originals.length)];
    if (earlier !== undefined && Math.random() < DUPLICATE_SHARE) {
      deliveries.push(earlier);
    } else {
      const complaintId = `20020182026112${String(i).padStart(8, '0')}`;
      const delivery = createDelivery(keys, systemClock, { id: randomUUID(), complaintId });
      originals.push(delivery);
      deliveries.push(delivery);
    }
  }
  return { deliveries, unique: originals.length };
}

function readBody(message: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit + 1) chunks.push(chunk);
    });
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

async function startGateway(eventLog: EventLog): Promise<{ url: string; close(): Promise<void> }> {
  const cache = new Keyv();
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createProviderWebhook(wechatPayModule, {
    receivers: new Map([['main', createReferenceReceiver(keys, systemClock)]]),
    eventLog,
    onAccepted: async (events) => {
      await Promise.all(events.map((event) => cache.delete(complaintKeyToString(event.complaint))));
    },
    logger: silent,
  });
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, 64 * 1024);
      const answer = await handler({ account: 'main', headers: req.headers, body });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/wechatpay/main`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function post(url: string, agent: Agent, delivery: WebhookRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(delivery.headers)) {
      if (typeof value === 'string') headers[name] = value;
      else if (value !== undefined) headers[name] = [...value];
    }
    const req = httpRequest(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(delivery.body);
  });
}

async function drive(url: string, deliveries: WebhookRequest[]): Promise<{ latencies: number[]; wallMs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++];
        if (delivery === undefined) break;
        const sent = performance.now();
        const status = await post(url, agent, delivery);
        latencies.push(performance.now() - sent);
        if (status !== 204) throw new Error(`delivery answered ${status}`);
      }
    }),
  );
  const wallMs = performance.now() - started;
  agent.destroy();
  return { latencies, wallMs };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function countStored(log: EventLog): Promise<{ total: number; distinct: number }> {
  const ids = new Set<string>();
  let total = 0;
  let after: string | undefined;
  for (;;) {
    const page = await log.list({ first: 500, ...(after === undefined ? {} : { after }) });
    for (const entry of page.entries) ids.add(entry.event.notificationId);
    total += page.entries.length;
    after = page.entries.at(-1)?.cursor ?? after;
    if (!page.hasNextPage) return { total, distinct: ids.size };
  }
}

async function run(store: string, config: EventLogConfig): Promise<RunResult> {
  const log = await createEventLog(config);
  const gateway = await startGateway(log);
  try {
    await drive(gateway.url, prepareDeliveries(WARM_UP).deliveries);
    const before = (await countStored(log)).total;
    const { deliveries, unique } = prepareDeliveries(NOTIFICATIONS);
    const { latencies, wallMs } = await drive(gateway.url, deliveries);
    const counted = await countStored(log);
    if (counted.total !== counted.distinct) throw new Error(`${store}: the log holds a notification twice`);
    const sorted = latencies.sort((a, b) => a - b);
    return {
      store,
      answered: deliveries.length,
      perSecond: Math.round(deliveries.length / (wallMs / 1000)),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      stored: counted.total - before,
      unique,
    };
  } finally {
    await gateway.close();
    await log.close();
  }
}

async function redisReachable(): Promise<string | null> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.close();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function dropRedisKeys(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (batch.length > 0) await client.del(batch);
  }
  await client.close();
}

/** Intake per instance with the embedded store and, when reachable, Redis; prints the figures and the targets. */
export async function runNotificationIntakeBench(): Promise<void> {
  const results: RunResult[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-'));
  try {
    results.push(await run('sqlite', { store: 'sqlite', path: join(dir, 'events.sqlite') }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const redisProblem = await redisReachable();
  if (redisProblem === null) {
    const keyPrefix = `bench:intake:${randomUUID()}:`;
    try {
      results.push(await run('redis', { store: 'redis', url: REDIS_URL, keyPrefix }));
    } finally {
      await dropRedisKeys(keyPrefix);
    }
  } else {
    console.log(`redis: skipped, not reachable at ${REDIS_URL} (${redisProblem})`);
  }

  console.log(
    `notification intake: ${NOTIFICATIONS} WeChat Pay deliveries (${DUPLICATE_SHARE * 100} % redeliveries) after ` +
      `${WARM_UP} warm-up, ${CONCURRENCY} in flight over HTTP keep-alive on 127.0.0.1; each answer covers ` +
      `RSA-2048 verify + AES-256-GCM open + dedupe + append + cache eviction; client and server share ` +
      `${availableParallelism()} cores; node ${process.version}`,
  );
  console.table(
    results.map((r) => ({
      store: r.store,
      'deliveries/s': r.perSecond,
      'p50 ms': Number(r.p50.toFixed(2)),
      'p99 ms': Number(r.p99.toFixed(2)),
      'max ms': Number(r.max.toFixed(2)),
      'stored / unique': `${r.stored} / ${r.unique}`,
    })),
  );
  for (const r of results) {
    const met = r.perSecond >= TARGET_PER_SECOND && r.p99 <= TARGET_P99_MS;
    console.log(
      `notification intake (${r.store}): ${r.perSecond}/s (target ≥ ${TARGET_PER_SECOND}), p99 ${r.p99.toFixed(1)} ms ` +
        `(target ≤ ${TARGET_P99_MS} ms, the provider waits 5 s): ${met ? 'met' : 'MISSED'}`,
    );
  }
}
