import { Keyv } from 'keyv';
import { createKeyv } from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import { LRUCache } from 'lru-cache';
import { CacheStoreError } from './cache-store-error.js';

/** Least recently used entries go first beyond this: a cached page or response is a few KiB to ~100 KiB. */
const MEMORY_CACHE_MAX_ENTRIES = 2_000;

export type CacheStoreConfig =
  | { kind: 'memory' }
  /** Persistent and embedded: one file, one gateway process. */
  | { kind: 'sqlite'; path: string }
  /** Shared by several gateway instances; every key starts with `keyPrefix`. */
  | { kind: 'redis'; url: string; keyPrefix: string };

export type CacheStoreOptions = CacheStoreConfig & {
  /** Store failures that were turned into misses or skipped writes; typically a logger call. */
  onError?: (error: unknown, operation: 'get' | 'set') => void;
};

/**
 * The gateway's view of keyv. Reads and fills are best effort (a broken cache must not break reads,
 * it only costs upstream calls); evictions throw, because a lost eviction shows stale data.
 */
export interface CacheStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Best effort like `get`, in one round trip where the store has one (Redis MGET, one SQLite query); in key order. */
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  /** Best effort: a failure is reported to `onError`, never thrown. `ttlMs` undefined = no expiry. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Like `set` but throws CacheStoreError: for values whose loss would serve stale data. */
  setOrThrow(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Throws CacheStoreError when the store fails. */
  delete(keys: readonly string[]): Promise<void>;
  /** A round trip through the store; throws CacheStoreError (readiness checks). */
  check(): Promise<void>;
  /** Removes every key of this store (its prefix only, for Redis). Tests and tooling. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

function createKeyvFor(config: CacheStoreConfig): Keyv {
  switch (config.kind) {
    case 'memory': {
      // Bounded: keyv drops an expired entry only when it is read, and entries under a superseded
      // generation are never read again.
      const keyv = new Keyv({ store: new LRUCache<string, object>({ max: MEMORY_CACHE_MAX_ENTRIES }), throwOnErrors: true });
      // In-process values need no JSON round trip: parsing cached list pages on every read was the
      // largest cost of a warm complaints page. Cached values are never mutated by their readers.
      keyv.serialize = undefined;
      keyv.deserialize = undefined;
      return keyv;
    }
    case 'sqlite':
      return new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${config.path}`, busyTimeout: 5_000 }), throwOnErrors: true });
    case 'redis':
      // keyv's own namespace would prefix a second time: the adapter's namespace is the one prefix.
      return createKeyv(config.url, { namespace: config.keyPrefix, throwOnErrors: true, throwOnConnectError: true });
  }
}

export function createCacheStore(options: CacheStoreOptions): CacheStore {
  const { onError = () => undefined } = options;
  const keyv = createKeyvFor(options);
  // keyv emits every store failure; an EventEmitter without an `error` listener would crash the process.
  keyv.on('error', () => undefined);

  const fail = (operation: string, error: unknown): CacheStoreError =>
    new CacheStoreError(`cache store (${options.kind}) ${operation} failed`, { cause: error });

  const setOrThrow = async (key: string, value: unknown, ttlMs?: number): Promise<void> => {
    try {
      await keyv.set(key, value, ttlMs);
    } catch (error) {
      throw fail('set', error);
    }
  };

  return {
    async get<T>(key: string): Promise<T | undefined> {
      try {
        return (await keyv.get<T>(key)) ?? undefined;
      } catch (error) {
        onError(fail('get', error), 'get');
        return undefined;
      }
    },
    async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
      if (keys.length === 0) return [];
      try {
        return (await keyv.getMany<T>([...keys])).map((value) => value ?? undefined);
      } catch (error) {
        onError(fail('get', error), 'get');
        return keys.map(() => undefined);
      }
    },
    async set(key, value, ttlMs) {
      try {
        await setOrThrow(key, value, ttlMs);
      } catch (error) {
        onError(error, 'set');
      }
    },
    setOrThrow,
    async delete(keys) {
      if (keys.length === 0) return;
      try {
        await keyv.deleteMany([...keys]);
      } catch (error) {
        throw fail('delete', error);
      }
    },
    async check() {
      const key = `readiness-probe:${process.pid}`;
      await setOrThrow(key, 1, 10_000);
      try {
        if ((await keyv.get(key)) !== 1) throw new Error('probe value not read back');
      } catch (error) {
        throw fail('get', error);
      }
    },
    async clear() {
      try {
        await keyv.clear();
      } catch (error) {
        throw fail('clear', error);
      }
    },
    async close() {
      await keyv.disconnect();
    },
  };
}
