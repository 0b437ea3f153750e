import { useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import type { Plugin } from 'graphql-yoga';
import { CACHE_TTL_MS, cacheKeys } from '../../cache/keys.js';
import type { CacheStore } from '../../cache/store.js';
import { hashOperation, type PersistedOperations } from '../persisted-operations.js';

/** What the plugin writes, and so the only keys worth reading: anything else cannot be in the store. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The hash store: trusted documents first (they need no registration), then the shared cache, where
 * every instance finds what a client registered through any other. The cache is best effort: while
 * it is down a lookup misses (the client gets PersistedQueryNotFound and resends the full query,
 * which runs) and a registration is dropped.
 */
function createHashStore(cache: CacheStore, trusted: PersistedOperations): APQStore {
  return {
    async get(sha256) {
      if (!SHA256_HEX.test(sha256)) return null;
      return trusted.get(sha256) ?? (await cache.get<string>(cacheKeys.persistedQuery(sha256))) ?? null;
    },
    // The plugin calls this only once the text hashed to the key; the key is then lowercase hex.
    set: (sha256, query) => cache.set(cacheKeys.persistedQuery(sha256), query, CACHE_TTL_MS.persistedQuery),
  };
}

/**
 * Automatic persisted queries (Apollo's protocol): `extensions.persistedQuery.sha256Hash` without a
 * query runs the registered text, or answers 404 PERSISTED_QUERY_NOT_FOUND; with the query, the text
 * is checked against the hash (400 PERSISTED_QUERY_MISMATCH) and registered for every caller (the
 * key is the text's own hash: sharing it discloses nothing a caller does not already hold). The text
 * is set as the request's query before parsing, so it meets the same limits and validation as any.
 */
export function useAutomaticPersistedQueries(cache: CacheStore, trusted: PersistedOperations): Plugin {
  return useAPQ({ store: createHashStore(cache, trusted), hash: hashOperation });
}
