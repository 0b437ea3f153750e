import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { invalidateComplaint } from '../../../src/cache/invalidation.js';
import { createResponseCache, type ResponseCache, type ResponseKeyInput } from '../../../src/cache/response-cache.js';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../helpers/redis.js';

const redis = await redisOrReason('response cache shared by two instances');
const prefix = uniqueKeyPrefix('response-cache');

const FIRST = { provider: 'WECHAT_PAY' as const, merchantNo: '1900000001' };
const SECOND = { provider: 'WECHAT_PAY' as const, merchantNo: '1900000002' };

/** A store that counts its read round trips. */
function counted(store: CacheStore): { store: CacheStore; reads: () => number } {
  let reads = 0;
  return {
    store: {
      ...store,
      get: <T>(key: string) => {
        reads += 1;
        return store.get<T>(key);
      },
      getMany: <T>(keys: readonly string[]) => {
        reads += 1;
        return store.getMany<T>(keys);
      },
    },
    reads: () => reads,
  };
}

const input = (merchants: ResponseKeyInput['merchants']): ResponseKeyInput => ({
  session: '["all"]',
  merchants,
  document: '{ complaints { edges { node { id } } } }',
  variables: { first: 10 },
  operationName: null,
});

/** What yoga's plugin does with a result it decided to cache: the ETag it was given, then `set`. */
async function store(cache: ResponseCache, etag: string, body: Record<string, unknown>): Promise<void> {
  const result = { data: body, extensions: { http: { headers: { ETag: etag, 'Last-Modified': new Date().toUTCString() } } } };
  await cache.cache.set(etag, result, [], 60_000);
}

describe.skipIf('reason' in redis)('the response cache of two instances sharing Redis', () => {
  const stores: CacheStore[] = [];
  const secret = createSecretKey(randomBytes(32));
  const open = () => {
    // Generous timeouts: these tests are about sharing, not about a slow machine.
    const opened = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: prefix, operationTimeoutMs: 5_000 });
    stores.push(opened);
    const reads = counted(opened);
    return { ...reads, cache: createResponseCache(reads.store, { secret, merchants: [FIRST, SECOND], keyInputOf: () => null }) };
  };

  afterAll(async () => {
    await Promise.all(stores.map((opened) => opened.close()));
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  it('serves one instance’s response on the other, in one round trip, until a merchant it shows changes', async () => {
    const a = open();
    const b = open();
    const both = input([FIRST, SECOND]);
    const missed = await a.cache.lookup(both);
    expect(missed.found).toBeUndefined();
    await store(a.cache, missed.etag, { page: 1 });

    const before = b.reads();
    const hit = await b.cache.lookup(both);
    expect(b.reads() - before).toBe(1);
    expect(hit.etag).toBe(missed.etag);
    expect(JSON.parse(hit.found?.body ?? 'null')).toEqual({ data: { page: 1 } });

    // A change to a merchant the response may show, made through the other instance.
    await invalidateComplaint(a.store, { ...SECOND, complaintId: 'c1' });
    const afterChange = await b.cache.lookup(both);
    expect(afterChange.found).toBeUndefined();
    expect(afterChange.etag).not.toBe(missed.etag);
  });

  it('keeps a response that shows only other merchants, and never serves one built across a change', async () => {
    const a = open();
    const b = open();
    const firstOnly = input([FIRST]);
    const built = await a.cache.lookup(firstOnly);
    await store(a.cache, built.etag, { page: 'first' });
    await invalidateComplaint(b.store, { ...SECOND, complaintId: 'c2' });
    expect((await b.cache.lookup(firstOnly)).found?.body).toBe('{"data":{"page":"first"}}');

    // Built from generations read before the change, stored after it: never served.
    const stale = await b.cache.lookup(input([FIRST, SECOND]));
    await invalidateComplaint(a.store, { ...FIRST, complaintId: 'c3' });
    await store(b.cache, stale.etag, { page: 'stale' });
    expect((await a.cache.lookup(input([FIRST, SECOND]))).found).toBeUndefined();
  });
});
