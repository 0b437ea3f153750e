import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src/cache/store.js';

/** The CacheStore contract, run once per adapter (keyv-style shared suite). */
export function cacheStoreSuite(name: string, open: () => Promise<CacheStore>): void {
  describe(`cache store contract: ${name}`, () => {
    const opened: CacheStore[] = [];
    const fresh = async (): Promise<CacheStore> => {
      const store = await open();
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      for (const store of opened) {
        await store.clear();
        await store.close();
      }
    });

    it('misses, then round-trips JSON values', async () => {
      const store = await fresh();
      expect(await store.get('absent')).toBeUndefined();
      const value = { state: 'PENDING', amounts: [1, 2], nested: { ok: true, none: null } };
      await store.set('complaint:a', value, 60_000);
      expect(await store.get('complaint:a')).toEqual(value);
      await store.setEviction('plain', 'text');
      expect(await store.get('plain')).toBe('text');
    });

    it('expires values after their TTL', async () => {
      const store = await fresh();
      await store.set('short', 1, 50);
      await store.set('long', 2, 60_000);
      await sleep(150);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('long')).toBe(2);
    });

    it('deletes several keys at once and tolerates absent ones', async () => {
      const store = await fresh();
      await store.set('a', 1);
      await store.set('b', 2);
      await store.set('c', 3);
      await store.delete(['a', 'b', 'never-set']);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.get('b')).toBeUndefined();
      expect(await store.get('c')).toBe(3);
      await store.delete([]);
    });

    it('reads several keys in one call, in key order, a miss as undefined', async () => {
      const store = await fresh();
      await store.set('m:a', 'one');
      await store.set('m:c', { three: 3 });
      expect(await store.getMany(['m:c', 'm:b', 'm:a'])).toEqual([{ three: 3 }, undefined, 'one']);
      expect(await store.getMany([])).toEqual([]);
    });

    it('passes its readiness check', async () => {
      const store = await fresh();
      await expect(store.check()).resolves.toBeUndefined();
    });
  });
}
