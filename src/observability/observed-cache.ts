import type { CacheStore } from '../cache/store.js';

/** The same store, each read reported as a hit or a miss (a `getMany` once per key). */
export function observeLookups(store: CacheStore, onLookup: (hit: boolean) => void): CacheStore {
  return {
    ...store,
    async get<T>(key: string) {
      const value = await store.get<T>(key);
      onLookup(value !== undefined);
      return value;
    },
    async getMany<T>(keys: readonly string[]) {
      const values = await store.getMany<T>(keys);
      for (const value of values) onLookup(value !== undefined);
      return values;
    },
    get available() {
      return store.available;
    },
  };
}
