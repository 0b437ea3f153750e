import { defaultBuildResponseCacheKey } from '@envelop/response-cache';
import type { BuildResponseCacheKeyFunction, Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import { bumpGeneration, readGeneration } from './generation.js';
import { cacheKeys } from './keys.js';
import type { CacheStore } from './store.js';

export interface ResponseCacheParts {
  cache: Cache;
  /** The default key (document, variables, session) behind the current generation, read once per request. */
  buildResponseCacheKey: BuildResponseCacheKeyFunction;
}

/**
 * Whole GraphQL responses in the cache store, under one generation that every data invalidation
 * bumps (invalidation.ts). Coarse on purpose: writes and notifications are rare next to reads, the
 * generation lives in the shared store, so an invalidation on one instance reaches every instance
 * at once, and no index of which response holds which complaint has to be kept consistent. The
 * generation is read once, before execution, and is part of the key: a response built while an
 * invalidation happened is stored under the dead generation, where nobody reads it.
 */
export function createResponseCache(store: CacheStore): ResponseCacheParts {
  return {
    cache: {
      get: (key) => store.get<ExecutionResult<Record<string, unknown>>>(cacheKeys.response(key)),
      set: (key, result, _entities, ttl) => store.set(cacheKeys.response(key), result, ttl),
      invalidate: () => invalidateResponses(store),
    },
    buildResponseCacheKey: async (params) => `${await readGeneration(store, cacheKeys.responseGeneration)}:${await defaultBuildResponseCacheKey(params)}`,
  };
}

/** Every cached response, on every instance sharing the store. Throws CacheStoreError. */
export async function invalidateResponses(store: CacheStore): Promise<void> {
  await bumpGeneration(store, cacheKeys.responseGeneration);
}
