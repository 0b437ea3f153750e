import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheStoreError } from '../../../src/cache/cache-store-error.js';
import { createCacheStore } from '../../../src/cache/store.js';
import { cacheStoreSuite } from '../../contract/cache-store.suite.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'cache-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

cacheStoreSuite('memory', async () => createCacheStore({ kind: 'memory' }));

let files = 0;
cacheStoreSuite('sqlite', async () => createCacheStore({ kind: 'sqlite', path: join(dir, `cache-${++files}.sqlite`) }));

const redis = await redisOrReason('Redis cache store tests');
const prefix = uniqueKeyPrefix('cache');
let prefixes = 0;

describe.skipIf('reason' in redis)('redis adapter', () => {
  cacheStoreSuite('redis', async () => createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}:${++prefixes}` }));

  it('keeps its keys under its prefix and clears only those', async () => {
    const a = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}:a` });
    const b = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}:b` });
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
  it('turns read and fill failures into misses reported to onError, and throws on evictions', async () => {
    const reported: string[] = [];
    const store = createCacheStore({
      kind: 'sqlite',
      path: join(dir, 'missing-directory', 'cache.sqlite'),
      onError: (_error, operation) => reported.push(operation),
    });
    expect(await store.get('key')).toBeUndefined();
    await store.set('key', 1);
    expect(reported).toEqual(['get', 'set']);
    await expect(store.delete(['key'])).rejects.toBeInstanceOf(CacheStoreError);
    await expect(store.setOrThrow('key', 1)).rejects.toBeInstanceOf(CacheStoreError);
    await expect(store.check()).rejects.toBeInstanceOf(CacheStoreError);
  });
});
