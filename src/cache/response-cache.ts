import { createHmac, type KeyObject } from 'node:crypto';
import { defaultBuildResponseCacheKey } from '@envelop/response-cache';
import type { BuildResponseCacheKeyFunction, Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { MerchantKey } from '../domain/complaint-key.js';
import { bumpGeneration, readGenerations } from './generation.js';
import { cacheKeys } from './keys.js';
import type { CacheStore } from './store.js';

export interface ResponseCacheOptions {
  /**
   * HMAC key of every response key (`deriveKey(secret, 'response-cache')`). The key is also the
   * ETag: without the secret nobody can compute another caller's key, nor test it for a 304.
   */
  secret: KeyObject;
  /** The merchants whose data a request may show: their generations are part of its key. */
  merchantsOf: (request: Request) => readonly MerchantKey[];
  /** Every configured merchant: what the plugin's own `invalidate` drops (unused: invalidateViaMutation is off). */
  merchants: readonly MerchantKey[];
  /** Each lookup of a whole response, found or not (metrics and the access log). */
  onLookup?: (hit: boolean) => void;
}

export interface ResponseCacheParts {
  cache: Cache;
  /** HMAC over the generations of the caller's merchants and the default key (document, variables, session). */
  buildResponseCacheKey: BuildResponseCacheKeyFunction;
}

/**
 * Whole GraphQL responses in the cache store, keyed under one generation per merchant that every
 * data invalidation of that merchant bumps (invalidation.ts). A response's key holds the generations
 * of every merchant its caller may see, so a change to merchant X drops the responses that may show
 * X, and no other tenant's. Generations live in the shared store (an invalidation on one instance
 * reaches every instance at once) and are read in one round trip before execution: a response built
 * while an invalidation happened is stored under a dead key, where nobody reads it.
 */
export function createResponseCache(store: CacheStore, options: ResponseCacheOptions): ResponseCacheParts {
  const { secret, merchantsOf, merchants, onLookup } = options;
  return {
    cache: {
      get: async (key) => {
        const found = await store.get<ExecutionResult<Record<string, unknown>>>(cacheKeys.response(key));
        onLookup?.(found !== undefined);
        return found;
      },
      set: (key, result, _entities, ttl) => store.set(cacheKeys.response(key), result, ttl),
      invalidate: () => invalidateResponses(store, merchants),
    },
    buildResponseCacheKey: async (params) => {
      const [generations, key] = await Promise.all([
        readGenerations(
          store,
          merchantsOf(params.request).map((merchant) => cacheKeys.responseGeneration(merchant)),
        ),
        defaultBuildResponseCacheKey(params),
      ]);
      return createHmac('sha256', secret)
        .update(JSON.stringify([generations, key]))
        .digest('base64url');
    },
  };
}

/** The cached responses that may show these merchants, on every instance sharing the store (kept and replayed when the store fails). */
export async function invalidateResponses(store: CacheStore, merchants: readonly MerchantKey[]): Promise<void> {
  await Promise.all(merchants.map((merchant) => bumpGeneration(store, cacheKeys.responseGeneration(merchant))));
}
