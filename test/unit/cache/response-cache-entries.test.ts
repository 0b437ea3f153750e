import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { invalidateResponses, createResponseCache, type ResponseKeyInput } from '../../../src/cache/response-cache.js';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';

const MERCHANT = { provider: 'WECHAT_PAY' as const, merchantNo: '1900000001' };
const INPUT: ResponseKeyInput = { session: '["all"]', merchants: [MERCHANT], document: '{ merchants { name } }', variables: undefined, operationName: null };

function setup(store: CacheStore = createCacheStore({ kind: 'memory' })) {
  const lookups: boolean[] = [];
  const cache = createResponseCache(store, {
    secret: createSecretKey(randomBytes(32)),
    merchants: [MERCHANT],
    keyInputOf: () => INPUT,
    onLookup: (hit) => lookups.push(hit),
  });
  return { cache, lookups, store };
}

/** As yoga's plugin stores a result it decided to cache. */
function stored(etag: string) {
  return { data: { merchants: [{ name: 'Shop' }] }, extensions: { http: { headers: { ETag: etag, 'Last-Modified': 'Tue, 01 Dec 2026 10:00:00 GMT' } } } };
}

describe('response cache entries', () => {
  it('keeps the body yoga sends, without the headers it carried, and hands it to the plugin as a result again', async () => {
    const { cache } = setup();
    const { etag } = await cache.lookup(INPUT);
    await cache.cache.set(etag, stored(etag), [], 60_000);
    const { found } = await cache.lookup(INPUT);
    expect(found).toEqual({ body: '{"data":{"merchants":[{"name":"Shop"}]}}', lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT', generations: expect.any(Array) });
    // The plugin's path: the same entry, its headers back in extensions.http.
    expect(await cache.cache.get(etag)).toEqual(stored(etag));
  });

  it('skips the plugin’s lookups of an ETag the edge just missed, until the request ends', async () => {
    const { cache, lookups } = setup();
    const { etag } = await cache.lookup(INPUT);
    await cache.cache.set(etag, stored(etag), [], 60_000);
    const release = cache.markLookedUp(etag);
    const before = lookups.length;
    expect(await cache.cache.get(etag)).toBeUndefined();
    expect(lookups.length).toBe(before);
    release();
    release();
    expect(await cache.cache.get(etag)).toEqual(stored(etag));
  });

  it('serves nothing once the merchant’s generation moved, and a new ETag for the same request', async () => {
    const { cache, store } = setup();
    const { etag } = await cache.lookup(INPUT);
    await cache.cache.set(etag, stored(etag), [], 60_000);
    await invalidateResponses(store, [MERCHANT]);
    const after = await cache.lookup(INPUT);
    expect(after.found).toBeUndefined();
    expect(after.etag).not.toBe(etag);
    // The plugin's path: its key for the request is the new ETag, under which nothing is stored.
    const pluginKey = await cache.buildResponseCacheKey({
      documentString: INPUT.document,
      variableValues: {},
      sessionId: null,
      context: {},
      request: new Request('http://gateway.test/graphql'),
    });
    expect(pluginKey).toBe(after.etag);
    expect(await cache.cache.get(pluginKey)).toBeUndefined();
  });

  it('takes a stored value of another shape (another version’s entry) for a miss', async () => {
    const memory = createCacheStore({ kind: 'memory' });
    const foreign = [{ data: { merchants: [] } }, { body: 1, lastModified: 'x', generations: [] }, 'text', null];
    for (const value of foreign) {
      const { cache } = setup({
        ...memory,
        getMany: async <T>(keys: readonly string[]) => {
          const values = await memory.getMany<T>(keys);
          return keys.map((key, index) => (key.startsWith('response:') ? (value as T) : values[index]));
        },
      });
      await expect(cache.lookup(INPUT)).resolves.toMatchObject({ found: undefined });
    }
  });
});
