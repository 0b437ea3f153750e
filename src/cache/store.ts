import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createKeyv } from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import { createClient } from '@redis/client';
import { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import { CacheStoreError } from './cache-store-error.js';
import { createPendingEvictions } from './pending-evictions.js';
import { createStoreGuard, UNGUARDED, type StoreGuard } from './store-guard.js';

/** Least recently used entries go first beyond this: a cached page or response is a few KiB to ~100 KiB. */
const MEMORY_CACHE_MAX_ENTRIES = 2_000;
/**
 * And beyond this much JSON (characters): a few very large entries (a long page with its history) must
 * not reach the heap's hard limit (`--max-old-space-size=512` in `npm start`). Objects take about two
 * to three times their JSON in the heap.
 */
const MEMORY_CACHE_MAX_JSON_CHARS = 64 * 1024 * 1024;

/** An entry's weight for the memory LRU, measured once when it is stored. */
function jsonChars(entry: object): number {
  try {
    return Math.max(1, JSON.stringify(entry)?.length ?? 1);
  } catch {
    // Not JSON (no cached value is such): weighed as the largest, so it is never kept.
    return MEMORY_CACHE_MAX_JSON_CHARS + 1;
  }
}
/** The most a cache operation may cost a request: a store that hangs must not hold requests. */
const DEFAULT_OPERATION_TIMEOUT_MS = 200;
const REDIS_CONNECT_TIMEOUT_MS = 1_000;
/** Redis reconnection: quick at first, then every few seconds, for as long as the process runs. */
const REDIS_RECONNECT_MAX_MS = 5_000;

export type CacheStoreConfig =
  | { kind: 'memory' }
  /** Persistent and embedded: one file, one gateway process. */
  | { kind: 'sqlite'; path: string }
  /** Shared by several gateway instances; every key starts with `keyPrefix`. */
  | { kind: 'redis'; url: string; keyPrefix: string };

export type CacheStoreOptions = CacheStoreConfig & {
  /** A failed operation that the store absorbed (a miss, a skipped fill, a kept eviction); typically a debug log. */
  onError?: (error: unknown, operation: 'get' | 'set' | 'delete') => void;
  /** The store stopped answering, or answers again: once each per outage; typically a warn and an info log. */
  onAvailability?: (available: boolean) => void;
  /** Per operation; default 200 ms. */
  operationTimeoutMs?: number;
};

/**
 * The gateway's view of keyv: best effort and bounded. Every operation of the SQLite and Redis
 * stores has a timeout and goes through a circuit breaker, so a store that is down or hangs costs a
 * request at most one timeout, then nothing: reads miss, fills are skipped and the gateway answers
 * from the providers. Evictions are never lost: one that fails is kept in memory and replayed before
 * the store is used again, so a store coming back never serves what a write made stale.
 */
export interface CacheStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Best effort like `get`, in one round trip where the store has one (Redis MGET, one SQLite query); in key order. */
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  /** Best effort: a failure is reported to `onError`, never thrown. `ttlMs` undefined = no expiry. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** A write whose loss would serve stale data (a new generation token): kept and replayed like `delete`. */
  setEviction(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Never throws: a failed eviction is kept and replayed when the store answers again. */
  delete(keys: readonly string[]): Promise<void>;
  /** A round trip through the store; throws CacheStoreError (start-up and readiness checks). */
  check(): Promise<void>;
  /** Whether the store answered its last operations (false during an outage). */
  readonly available: boolean;
  /** Removes every key of this store (its prefix only, for Redis). Tests and tooling. */
  clear(): Promise<void>;
  /** Bounded: a store that does not answer is dropped, not waited for. */
  close(): Promise<void>;
}

/** A keyv over the configured store, how to release it, and when a networked store first connected. */
interface OpenedKeyv {
  keyv: Keyv;
  /** Settles (never rejects) when the first connection is made or has failed. */
  connected: Promise<void>;
  /** `graceful`: let commands in flight finish (the store answers); else drop the connection. */
  release(graceful: boolean): Promise<void>;
}

function openKeyv(config: CacheStoreConfig): OpenedKeyv {
  switch (config.kind) {
    case 'memory': {
      // Bounded by count and size: keyv drops an expired entry only when it is read, and entries
      // under a superseded generation are never read again.
      const lru = new LRUCache<string, object>({ max: MEMORY_CACHE_MAX_ENTRIES, maxSize: MEMORY_CACHE_MAX_JSON_CHARS, sizeCalculation: jsonChars });
      const keyv = new Keyv({ store: lru, throwOnErrors: true });
      // In-process values need no JSON round trip: parsing cached list pages on every read was the
      // largest cost of a warm complaints page. Cached values are never mutated by their readers.
      keyv.serialize = undefined;
      keyv.deserialize = undefined;
      return { keyv, connected: Promise.resolve(), release: () => keyv.disconnect() };
    }
    case 'sqlite': {
      // A fresh deployment's data folder is made on the way; if it cannot be, opening fails and
      // the start-up check names the path.
      try {
        mkdirSync(dirname(config.path), { recursive: true });
      } catch {}
      const keyv = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${config.path}`, busyTimeout: 5_000 }), throwOnErrors: true });
      return { keyv, connected: Promise.resolve(), release: () => keyv.disconnect() };
    }
    case 'redis': {
      // Our own client: commands fail at once while disconnected instead of queueing until Redis
      // comes back (an outage hung requests for minutes), and it reconnects in the background.
      const client = createClient({
        url: config.url,
        disableOfflineQueue: true,
        socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, REDIS_RECONNECT_MAX_MS) },
      });
      client.on('error', () => undefined);
      // The first attempt's outcome, not the connection (connect() itself waits for Redis forever),
      // and bounded: a server that accepts the connection but never answers sends neither event.
      const connected = new Promise<void>((resolve) => {
        client.once('ready', resolve);
        client.once('error', () => resolve());
        setTimeout(resolve, REDIS_CONNECT_TIMEOUT_MS).unref();
      });
      client.connect().catch(() => undefined);
      // keyv's own namespace would prefix a second time: the adapter's namespace is the one prefix.
      const keyv = createKeyv(client, { namespace: config.keyPrefix, throwOnErrors: true, throwOnConnectError: true });
      const release = async (graceful: boolean): Promise<void> => {
        if (!client.isOpen) return;
        if (graceful && client.isReady) await client.close();
        else client.destroy();
      };
      return { keyv, connected, release };
    }
  }
}

/** How long `close` waits for a store to let go before dropping it. */
const CLOSE_TIMEOUT_MS = 2_000;

export function createCacheStore(options: CacheStoreOptions): CacheStore {
  const { onError = () => undefined, onAvailability = () => undefined, operationTimeoutMs = DEFAULT_OPERATION_TIMEOUT_MS } = options;
  const { keyv, connected, release } = openKeyv(options);
  // keyv emits every store failure; an EventEmitter without an `error` listener would crash the process.
  keyv.on('error', () => undefined);
  const guard: StoreGuard = options.kind === 'memory' ? UNGUARDED : createStoreGuard({ timeoutMs: operationTimeoutMs, onAvailability });
  const pending = createPendingEvictions();
  const target = {
    deleteMany: async (keys: string[]) => void (await keyv.deleteMany(keys)),
    set: async (key: string, value: unknown, ttlMs: number | undefined) => void (await keyv.set(key, value, ttlMs)),
    clear: () => keyv.clear(),
  };

  const fail = (operation: string, error: unknown): CacheStoreError =>
    new CacheStoreError(`cache store (${options.kind}) ${operation} failed`, { cause: error });
  // Operations issued while the first connection is being made wait for it (at most its timeout)
  // rather than counting as failures of a store that is merely starting.
  let connecting = true;
  void connected.then(() => {
    connecting = false;
  });
  /** Every operation: kept evictions first (a read must not see what they evict), then this one, bounded. */
  const run = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (connecting) await connected;
    if (!pending.empty) await guard.run(() => pending.replay(target));
    return guard.run(operation);
  };

  return {
    async get<T>(key: string): Promise<T | undefined> {
      try {
        return (await run(() => keyv.get<T>(key))) ?? undefined;
      } catch (error) {
        onError(fail('get', error), 'get');
        return undefined;
      }
    },
    async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
      if (keys.length === 0) return [];
      try {
        return (await run(() => keyv.getMany<T>([...keys]))).map((value) => value ?? undefined);
      } catch (error) {
        onError(fail('get', error), 'get');
        return keys.map(() => undefined);
      }
    },
    async set(key, value, ttlMs) {
      try {
        await run(() => keyv.set(key, value, ttlMs));
      } catch (error) {
        onError(fail('set', error), 'set');
      }
    },
    async setEviction(key, value, ttlMs) {
      try {
        await run(() => keyv.set(key, value, ttlMs));
      } catch (error) {
        pending.replaced(key, value, ttlMs);
        onError(fail('set', error), 'set');
      }
    },
    async delete(keys) {
      if (keys.length === 0) return;
      try {
        await run(() => keyv.deleteMany([...keys]));
      } catch (error) {
        pending.deleted(keys);
        onError(fail('delete', error), 'delete');
      }
    },
    async check() {
      const key = `readiness-probe:${process.pid}`;
      try {
        const value = await run(async () => {
          await keyv.set(key, 1, 10_000);
          return keyv.get(key);
        });
        if (value !== 1) throw new Error('probe value not read back');
      } catch (error) {
        guard.reportFailure(error);
        throw fail('check', error);
      }
    },
    get available() {
      return guard.available;
    },
    async clear() {
      try {
        await keyv.clear();
      } catch (error) {
        throw fail('clear', error);
      }
    },
    async close() {
      const timedOut = new Promise<boolean>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS, true).unref());
      const released = release(guard.available).then(
        () => false,
        () => false,
      );
      if (await Promise.race([released, timedOut])) await release(false).catch(() => undefined);
    },
  };
}
