import { useResponseCache, type BuildResponseCacheKeyFunction, type UseResponseCacheParameter } from '@graphql-yoga/plugin-response-cache';
import type { Plugin } from 'graphql-yoga';

/** How yoga's response cache marks a result it served from the cache (its onParams). */
const SERVED_FROM_CACHE = Symbol.for('servedFromResponseCache');

export type PrivateResponseCacheOptions<TContext> = UseResponseCacheParameter<TContext> & {
  /** Required: the key is the ETag, so it must be one no other caller can compute (response-cache.ts). */
  buildResponseCacheKey: BuildResponseCacheKeyFunction;
};

interface CachedHttpExtensions {
  http?: { headers?: Record<string, string> };
}

/**
 * yoga's response cache with conditional requests answered per caller. The plugin's own onRequest
 * answers 304 to any If-None-Match that names an entry of the cache, before it knows who asks or
 * what: a caller holding another caller's ETag would learn that this one's response is still
 * cached. That hook is dropped; a 304 is answered only when the tag is this request's own key
 * (computed from its caller's grants and merchants) and its response came from that cache entry.
 */
export function usePrivateResponseCache<TContext>(options: PrivateResponseCacheOptions<TContext>): Plugin {
  const ownKeys = new WeakMap<Request, string>();
  const { onRequest: _answersAnyCachedTag, ...cache } = useResponseCache<TContext>({
    ...options,
    buildResponseCacheKey: async (params) => {
      const key = await options.buildResponseCacheKey(params);
      ownKeys.set(params.request, key);
      return key;
    },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(cache);
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      const tag = request.headers.get('if-none-match');
      const own = ownKeys.get(request);
      // No processor: the client accepts no media type we send, and yoga answers 406 as before.
      if (tag === null || own === undefined || tag !== own || resultProcessor === undefined) return;
      if (Array.isArray(result) || Symbol.asyncIterator in result || (result as Record<symbol, unknown>)[SERVED_FROM_CACHE] !== true) return;
      const lastModified = (result.extensions as CachedHttpExtensions | undefined)?.http?.headers?.['Last-Modified'];
      if (lastModified === undefined) return;
      // As the plugin did: a client copy older than the cached response gets the full answer.
      const since = request.headers.get('if-modified-since');
      if (since !== null && !(new Date(since).getTime() >= new Date(lastModified).getTime())) return;
      setResultProcessor(
        (_result, fetchAPI) => new fetchAPI.Response(null, { status: 304, headers: { ETag: own, 'Last-Modified': lastModified } }),
        'application/json',
      );
    },
  };
}
