import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheStoreError } from '../../../src/cache/cache-store-error.js';
import { openCacheStore } from '../../../src/cache/open-cache-store.js';
import { createCacheStore } from '../../../src/cache/store.js';
import { createLogger } from '../../../src/server/logger.js';
import { cacheStoreSuite } from '../../contract/cache-store.suite.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'cache-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

cacheStoreSuite('memory', async () => createCacheStore({ kind: 'memory' }));

let files = 0;
cacheStoreSuite('sqlite', async () => createCacheStore({ kind: 'sqlite', path: join(dir, `cache-${++files}.sqlite`) }));

const redis = await redisOrReason('Redis cache store tests');
// The contract, not the timeout (tested in redis-outage.test.ts): a loaded CI machine may answer slowly.
const SLOW_MACHINE_TIMEOUT_MS = 5_000;
const prefix = uniqueKeyPrefix('cache');
let prefixes = 0;

describe.skipIf('reason' in redis)('redis adapter', () => {
  cacheStoreSuite('redis', async () =>
    createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}:${++prefixes}`, operationTimeoutMs: SLOW_MACHINE_TIMEOUT_MS }),
  );

  it('keeps its keys under its prefix and clears only those', async () => {
    const a = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}:a`, operationTimeoutMs: SLOW_MACHINE_TIMEOUT_MS });
    const b = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}:b`, operationTimeoutMs: SLOW_MACHINE_TIMEOUT_MS });
    try {
      await a.set('same', 'from a');
      await b.set('same', 'from b');
      expect(await a.get('same')).toBe('from a');
      await a.clear();
      expect(await a.get('same')).toBeUndefined();
      expect(await b.get('same')).toBe('from b');
      if ('admin' in redis) expect(await redis.admin.get(`${prefix}:b::same`)).not.toBeNull();
    } finally {
      await b.clear();
      await a.close();
      await b.close();
    }
  });

  afterAll(async () => {
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });
});

describe('a failing store', () => {
  it('turns every failure into a miss, a skipped fill or a kept eviction, and fails only its check', async () => {
    const reported: string[] = [];
    const availability: boolean[] = [];
    // A folder cannot be made under a regular file: the store can never open.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const store = createCacheStore({
      kind: 'sqlite',
      path: join(dir, 'not-a-folder', 'cache.sqlite'),
      onError: (_error, operation) => reported.push(operation),
      onAvailability: (available) => availability.push(available),
    });
    expect(await store.get('key')).toBeUndefined();
    await store.set('key', 1);
    await expect(store.delete(['key'])).resolves.toBeUndefined();
    await expect(store.setEviction('key', 1)).resolves.toBeUndefined();
    expect(reported).toEqual(['get', 'set', 'delete', 'set']);
    await expect(store.check()).rejects.toBeInstanceOf(CacheStoreError);
    expect(availability).toEqual([false]);
    expect(store.available).toBe(false);
    await store.close();
  });

  it('makes the folder of its file on the way', async () => {
    const store = createCacheStore({ kind: 'sqlite', path: join(dir, 'fresh', 'data', 'cache.sqlite') });
    await store.check();
    await store.set('key', 'value');
    expect(await store.get('key')).toBe('value');
    await store.close();
  });
});

describe('opening the configured store at start', () => {
  it('names the path of a SQLite file that cannot be opened', async () => {
    writeFileSync(join(dir, 'plain-file'), '');
    const path = join(dir, 'plain-file', 'cache.sqlite');
    const logger = createLogger({ level: 'silent' });
    await expect(openCacheStore({ kind: 'sqlite', path }, logger)).rejects.toThrow(`The SQLite cache could not be opened at ${path}`);
  });
});

describe('the memory store', () => {
  it('keeps at most 64 Mi characters of JSON, dropping the least recently used first', async () => {
    const store = createCacheStore({ kind: 'memory' });
    // One string shared by every entry: the store weighs each entry's JSON, the test holds 1 MiB.
    const page = { body: 'x'.repeat(1024 * 1024) };
    for (let i = 0; i < 100; i++) await store.set(`page:${i}`, page);
    await store.set('small', { a: 1 });
    const kept = (await store.getMany<object>(Array.from({ length: 100 }, (_, i) => `page:${i}`))).filter((value) => value !== undefined);
    expect(kept.length).toBeGreaterThan(50);
    expect(kept.length).toBeLessThan(64);
    expect(await store.get('page:0')).toBeUndefined();
    expect(await store.get('page:99')).toEqual(page);
    expect(await store.get('small')).toEqual({ a: 1 });
    await store.close();
  });
});
