import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCacheStore } from '../../../src/cache/open-cache-store.js';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { createLogger } from '../../../src/server/logger.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const redis = await redisOrReason('Redis cache outage tests');
const prefix = uniqueKeyPrefix('cache-outage');

/** Polls `probe` until it holds; the test's own timeout bounds the wait (no fixed sleeps). */
async function eventually(probe: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe.skipIf('reason' in redis)('a Redis cache that fails', () => {
  let proxy: TcpProxy;
  const stores: CacheStore[] = [];
  let stores_opened = 0;
  const open = (onAvailability?: (available: boolean) => void): CacheStore => {
    const store = createCacheStore({
      kind: 'redis',
      url: proxy.url,
      keyPrefix: `${prefix}${++stores_opened}`,
      operationTimeoutMs: 100,
      ...(onAvailability === undefined ? {} : { onAvailability }),
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 }, 'redis');
  });
  afterEach(async () => {
    proxy.setMode('pass');
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await proxy.close();
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  it('that hangs: every operation settles, the outage is reported once, and an open breaker sends nothing', async () => {
    const changes: boolean[] = [];
    const store = open((available) => changes.push(available));
    await store.check();
    await store.set('k', 'v');
    proxy.setMode('blackhole');

    for (let i = 0; i < 5; i++) expect(await store.get('k')).toBeUndefined();
    await store.set('k', 'w');
    await expect(store.check()).rejects.toMatchObject({ code: 'CACHE_STORE_ERROR' });
    expect(changes).toEqual([false]);
    expect(store.available).toBe(false);

    // While the breaker is open the store is not even asked.
    proxy.resetCounters();
    for (let i = 0; i < 20; i++) expect(await store.getMany(['k', 'l'])).toEqual([undefined, undefined]);
    expect(proxy.receivedBytes()).toBe(0);

    proxy.setMode('pass');
    await eventually(async () => (await store.get('k')) === 'v');
    expect(changes).toEqual([false, true]);
    expect(store.available).toBe(true);
  });

  it('that refuses connections: evictions made meanwhile are replayed before anything is read again', async () => {
    const store = open();
    const otherInstance = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}${stores_opened}` });
    stores.push(otherInstance);
    await Promise.all([store.check(), otherInstance.check()]);
    await store.set('complaint', 'old state');
    await store.setEviction('generation', 'g1');
    proxy.setMode('refuse');

    await expect(store.delete(['complaint'])).resolves.toBeUndefined();
    await expect(store.setEviction('generation', 'g2')).resolves.toBeUndefined();
    // Redis itself still holds the old values: nothing reached it.
    expect(await otherInstance.get('complaint')).toBe('old state');

    proxy.setMode('pass');
    await eventually(() =>
      store.check().then(
        () => true,
        () => false,
      ),
    );
    expect(await store.get('complaint')).toBeUndefined();
    expect(await otherInstance.get('complaint')).toBeUndefined();
    expect(await otherInstance.get('generation')).toBe('g2');
  });

  it('at start: a warning, then service without it, and the recovery logged once', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    proxy.setMode('refuse');
    const store = await openCacheStore({ kind: 'redis', url: proxy.url, keyPrefix: `${prefix}start` }, logger);
    stores.push(store);
    expect(lines.map((line) => line.msg)).toEqual(['cache store unavailable: answering from the providers until it is back']);
    expect(JSON.stringify(lines)).not.toContain(proxy.url);
    expect(await store.get('anything')).toBeUndefined();

    proxy.setMode('pass');
    await eventually(async () => {
      await store.set('back', 1);
      return (await store.get('back')) === 1;
    });
    expect(lines.map((line) => line.msg)).toEqual([
      'cache store unavailable: answering from the providers until it is back',
      'cache store answers again: caching resumed',
    ]);
  });

  it('closes without waiting for a store that does not answer', async () => {
    const store = open();
    await store.check();
    proxy.setMode('blackhole');
    for (let i = 0; i < 3; i++) await store.get('k');
    expect(store.available).toBe(false);
    await expect(store.close()).resolves.toBeUndefined();
  });
});
