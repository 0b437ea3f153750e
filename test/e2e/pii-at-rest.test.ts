import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { SANDBOX_ADMIN_TOKEN, SANDBOX_READONLY_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { seedComplaints } from '../../src/sandbox/huishouqian/seed.js';
import { createSeed } from '../../src/sandbox/wechatpay/seed.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, type RedisAdmin, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest, type StartGatewayOptions } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Issue 12.4: payer phones and openids are never at rest in clear. A full read of both providers
 * through GraphQL (list pages, complaint details, negotiation histories; with a pii:read token and
 * without) goes through a gateway on the machine's Redis and one on a SQLite file; then every key
 * and value each wrote is searched for every seeded phone and openid, and for any 11-digit number.
 */

const today = beijingToday(new Date());
// The seeds reach 120 days back (and a little more): every seeded complaint is in this range.
const RANGE = { from: addDays(today, -125), to: today };
// Eleven digits standing alone, as a phone would in JSON or text (not inside a longer token such as a generation id).
const ELEVEN_DIGITS = /(?<![0-9A-Za-z])\d{11}(?![0-9A-Za-z])/;
/** One complaint in this many is also read in detail, with its whole history. */
const DETAIL_SAMPLE_EVERY = 5;
const READERS = [
  { name: 'pii:read', token: SANDBOX_ADMIN_TOKEN },
  { name: 'no pii:read', token: SANDBOX_READONLY_TOKEN },
] as const;

const LIST = `query($after: String, $filter: ComplaintFilterInput) {
  complaints(first: 20, after: $after, filter: $filter) {
    edges { node { id payerPhone payerOpenid negotiationHistory(first: 3) { edges { node { logId details } } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
// Without PII fields: these responses may be cached, so the response cache holds something to search.
const LIST_WITHOUT_PII = `query($after: String, $filter: ComplaintFilterInput) {
  complaints(first: 50, after: $after, filter: $filter) { edges { node { id state detail } } pageInfo { hasNextPage endCursor } }
}`;
const DETAIL = `query($id: ID!) {
  complaint(id: $id) { id detail payerPhone payerOpenid negotiationHistory(first: 50) { edges { node { logId details operator } } } }
}`;

interface PiiNode {
  id: string;
  payerPhone: string | null;
  payerOpenid: string | null;
}

/** What the sandboxes serve today (their seeds are deterministic per Beijing day): both days when the read straddles midnight. */
function seededPii(sandboxes: Sandboxes, times: readonly number[]): { phones: Set<string>; openids: Set<string> } {
  const phones = new Set<string>();
  const openids = new Set<string>();
  const merchantNos = sandboxes.huishouqian.keys.merchants.map((merchant) => merchant.merchantNo);
  for (const now of times) {
    for (const complaint of seedComplaints(merchantNos, now)) {
      phones.add(complaint.payerPhone);
      openids.add(complaint.payerOpenid);
    }
    for (const complaint of createSeed(now).complaints) {
      if (complaint.payerPhone !== undefined) phones.add(complaint.payerPhone);
      openids.add(complaint.payerOpenid);
    }
  }
  return { phones, openids };
}

/** Runs `work` over `items`, a few at a time (the sandboxes and gateway share two cores with other suites). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

type Reader = (typeof READERS)[number];

type GraphqlAnswer<T> = Awaited<ReturnType<GatewayUnderTest['graphql']>> & { body: { data?: T | null } };

interface PiiPage {
  complaints: { edges: { node: Partial<PiiNode> }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/**
 * Every page of both providers with payer fields and histories, then a spread sample of complaints'
 * details and histories, as each reader; last, the pages again, so that list pages (cached for a minute) are still
 * in the store when it is searched. Returns what the pii:read reader was shown.
 */
async function readEverything(gateway: GatewayUnderTest): Promise<{ ids: string[]; phones: Set<string>; openids: Set<string> }> {
  const ids = new Set<string>();
  const phones = new Set<string>();
  const openids = new Set<string>();
  const note = (node: Partial<PiiNode> | null | undefined, reader: Reader): void => {
    if (node?.id === undefined) return;
    ids.add(node.id);
    if (reader.token !== SANDBOX_ADMIN_TOKEN) return;
    if (node.payerPhone != null) phones.add(node.payerPhone);
    if (node.payerOpenid != null) openids.add(node.payerOpenid);
  };
  const readPages = async (reader: Reader): Promise<void> => {
    const headers = { authorization: `Bearer ${reader.token}` };
    for (const query of [LIST, LIST_WITHOUT_PII]) {
      let after: string | null = null;
      for (let page = 0; ; page++) {
        expect(page).toBeLessThan(500);
        const { body }: GraphqlAnswer<PiiPage> = await gateway.graphql<PiiPage>(query, { after, filter: RANGE }, headers);
        // The reader without pii:read is refused the phone (null and an error), and nothing else.
        for (const error of body.errors ?? []) {
          expect({ reader: reader.name, field: error.path?.at(-1) }, error.message).toEqual({ reader: 'no pii:read', field: 'payerPhone' });
        }
        const connection: PiiPage['complaints'] | undefined = body.data?.complaints;
        expect(connection).toBeDefined();
        for (const edge of connection?.edges ?? []) note(edge.node, reader);
        if (!connection?.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
    }
  };
  for (const reader of READERS) {
    await readPages(reader);
    const headers = { authorization: `Bearer ${reader.token}` };
    // Details and full histories take the same path into the cache for every complaint: a spread
    // sample of both providers' complaints covers it (the pages above carry every payer field).
    await eachLimited(
      [...ids].filter((_id, index) => index % DETAIL_SAMPLE_EVERY === 0),
      6,
      async (id) => {
        const { body } = await gateway.graphql<{ complaint: PiiNode | null }>(DETAIL, { id }, headers);
        expect(body.data?.complaint?.id).toBe(id);
        note(body.data?.complaint, reader);
      },
    );
  }
  await readPages(READERS[0]);
  return { ids: [...ids], phones, openids };
}

/** Every key and value under `prefix`, whatever the Redis type, as text. */
async function redisContents(admin: RedisAdmin, prefix: string): Promise<string[]> {
  const entries: string[] = [];
  for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    for (const key of batch) {
      const type = await admin.type(key);
      const value =
        type === 'string'
          ? await admin.get(key)
          : type === 'hash'
            ? JSON.stringify(await admin.hGetAll(key))
            : type === 'list'
              ? JSON.stringify(await admin.lRange(key, 0, -1))
              : type === 'set'
                ? JSON.stringify(await admin.sMembers(key))
                : type === 'zset'
                  ? JSON.stringify(await admin.zRangeWithScores(key, 0, -1))
                  : type === 'none'
                    ? '' // expired between SCAN and TYPE
                    : `unscanned type ${type}`;
      expect(value, key).not.toMatch(/^unscanned type/);
      entries.push(`${key}\n${value ?? ''}`);
    }
  }
  return entries;
}

/** Every row of every table of a SQLite file, as text. */
async function sqliteContents(path: string): Promise<string[]> {
  const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY);
  const all = (sql: string): Promise<Record<string, unknown>[]> =>
    new Promise((resolve, reject) => db.all(sql, (error: Error | null, rows: Record<string, unknown>[]) => (error ? reject(error) : resolve(rows))));
  try {
    const tables = await all(`SELECT name FROM sqlite_master WHERE type = 'table'`);
    const rows: string[] = [];
    for (const { name } of tables) {
      for (const row of await all(`SELECT * FROM "${String(name).replaceAll('"', '""')}"`)) rows.push(Object.values(row).map(String).join('\n'));
    }
    return rows;
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** No seeded value and no 11-digit number anywhere; and the store holds what the read cached (the search is not vacuous). */
function expectNoPiiInClear(entries: readonly string[], seeded: { phones: Set<string>; openids: Set<string> }): void {
  const text = entries.join('\n');
  expect(text).toContain('"kind":"SEALED"');
  expect(text).toContain('"kind":"ENCRYPTED"');
  for (const kind of ['complaint:', 'list:', 'history:', 'response:']) expect(text, `the store holds ${kind} entries`).toContain(kind);
  const leaks = entries.filter((entry) => [...seeded.phones, ...seeded.openids].some((value) => entry.includes(value)) || ELEVEN_DIGITS.test(entry));
  expect(leaks.map((entry) => entry.slice(0, 2000))).toEqual([]);
}

let sandboxes: Sandboxes;
let seeded: { phones: Set<string>; openids: Set<string> };

beforeAll(async () => {
  const before = Date.now();
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  seeded = seededPii(sandboxes, [before, Date.now()]);
});

afterAll(async () => {
  await sandboxes?.close();
});

/** The full read through a gateway with `options`; checks that the pii:read reader saw every seeded value in clear. */
async function fullRead(options: StartGatewayOptions): Promise<void> {
  // WeChat's published per-minute budgets would make the gateway queue this read for minutes.
  // The longest response TTL: responses cached early in the read are still there when the store is searched.
  const gateway = await startGateway(sandboxes, {
    ...options,
    config: { ...options.config, server: { responseCacheTtlMs: 300_000 } },
    wechatpayAccount: { limits: { list: 100_000, history: 100_000 } },
    // Every fill must land for the search to see it: a slow answer on a loaded machine would skip one.
    storeTimeoutMs: 5_000,
  });
  try {
    const shown = await readEverything(gateway);
    expect(shown.ids.length).toBeGreaterThan(100);
    // Every seeded phone and openid passed through the cache on its way to the caller.
    expect([...seeded.phones].filter((phone) => !shown.phones.has(phone))).toEqual([]);
    expect([...seeded.openids].filter((openid) => !shown.openids.has(openid))).toEqual([]);
  } finally {
    await gateway.close();
  }
}

const redis = await redisOrReason('PII at rest in the Redis cache');
const prefix = uniqueKeyPrefix('pii-at-rest');

describe.skipIf('reason' in redis)('PII at rest in the Redis cache', () => {
  afterAll(async () => {
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  it('holds no payer phone or openid in clear after a full read of both providers', async () => {
    if (!('admin' in redis)) return;
    await fullRead({ env: { REDIS_URL }, config: { cache: { store: 'redis', keyPrefix: `${prefix}cache:` } } });
    expectNoPiiInClear(await redisContents(redis.admin, prefix), seeded);
  }, 300_000);
});

describe('PII at rest in the SQLite cache', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pii-at-rest-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds no payer phone or openid in clear after a full read of both providers, in its rows or anywhere in its files', async () => {
    const path = join(dir, 'cache.sqlite');
    await fullRead({ config: { cache: { store: 'sqlite', path } } });
    expectNoPiiInClear(await sqliteContents(path), seeded);
    // Also the raw bytes (free pages, journal): a deleted row must not have left a value behind.
    for (const file of await readdir(dir)) {
      const bytes = (await readFile(join(dir, file))).toString('latin1');
      expect(
        [...seeded.phones, ...seeded.openids].filter((value) => bytes.includes(value)),
        file,
      ).toEqual([]);
    }
  }, 300_000);
});
