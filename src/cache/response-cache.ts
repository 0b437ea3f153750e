import { createHmac, type KeyObject } from 'node:crypto';
import type { BuildResponseCacheKeyFunction, Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { MerchantKey } from '../domain/complaint-key.js';
import { bumpGeneration, completeGenerations, readGenerations } from './generation.js';
import { cacheKeys } from './keys.js';
import type { CacheStore } from './store.js';

/** A whole response as it was sent: its JSON body, when it was built, and under which generations. */
export interface StoredResponse {
  body: string;
  lastModified: string;
  /** The generations of the caller's merchants read before it was built: it is valid while they are current. */
  generations: readonly string[];
}

/** What a response's key is made of: who may see it, and exactly what was asked. */
export interface ResponseKeyInput {
  /** Callers with the same session (grants) may share responses. */
  session: string;
  /** The merchants the caller may see: the response is valid while their generations are unchanged. */
  merchants: readonly MerchantKey[];
  /** The query text, or the persisted document's id when the request names one instead. */
  document: string;
  variables: unknown;
  operationName: string | null | undefined;
}

/** A lookup's outcome: the response's ETag (for the current generations) and the response when it is valid. */
export interface ResponseLookup {
  etag: string;
  found: StoredResponse | undefined;
}

export interface ResponseCacheOptions {
  /**
   * HMAC key of every response key (`deriveKey(secret, 'response-cache')`). The key is also the
   * ETag: without the secret nobody can compute another caller's key, nor test it for a 304.
   */
  secret: KeyObject;
  /** Every configured merchant: what the plugin's own `invalidate` drops (unused: invalidateViaMutation is off). */
  merchants: readonly MerchantKey[];
  /** What the key of a request the plugin sees is made of, or null when the request has no session. */
  keyInputOf: (params: Parameters<BuildResponseCacheKeyFunction>[0]) => ResponseKeyInput | null;
  /** Each lookup of a whole response, found or not (metrics and the access log). */
  onLookup?: (hit: boolean) => void;
}

export interface ResponseCache {
  /** yoga's response-cache plugin's store: results in, results out, kept as their serialised body. */
  cache: Cache;
  /** The plugin's key of a request: the ETag of its response under the current generations. */
  buildResponseCacheKey: BuildResponseCacheKeyFunction;
  /**
   * The edge's lookup (cached-answers.ts): the response and the current generations in one store
   * round trip. The ETag is the one the plugin gives the same request, so 304s agree.
   */
  lookup(input: ResponseKeyInput): Promise<ResponseLookup>;
  /**
   * The edge looked this ETag up and missed, and hands the request to yoga: the plugin's own lookups
   * of it (one before parsing, one before executing) are skipped. Returns the release, called when
   * the request ends.
   */
  markLookedUp(etag: string): () => void;
}

/** Keys remembered by what they cover (a few hundred bytes each). */
const MAX_KEPT_KEYS = 1_000;

/** An ETag's entry and the generations it was made under, until its response is stored. */
interface PendingResponse {
  entry: string;
  generations: readonly string[];
}

interface HttpHeadersExtension {
  http?: { headers?: Record<string, string> };
}

/** The body yoga sends for a result: its `extensions.http` (headers for the edge) is not part of it. */
function serialise(result: ExecutionResult): string {
  const { http: _headers, ...extensions } = (result.extensions ?? {}) as HttpHeadersExtension & Record<string, unknown>;
  return JSON.stringify({ ...result, extensions: Object.keys(extensions).length > 0 ? extensions : undefined });
}

/** A stored response built under exactly these generations (anything else in the store, e.g. another version's entry, is not one). */
function builtUnder(found: unknown, current: readonly string[]): found is StoredResponse {
  if (typeof found !== 'object' || found === null) return false;
  const { body, lastModified, generations } = found as Partial<StoredResponse>;
  if (typeof body !== 'string' || typeof lastModified !== 'string' || !Array.isArray(generations)) return false;
  return generations.length === current.length && generations.every((token, index) => token === current[index]);
}

/**
 * Whole GraphQL responses in the cache store, each stored with the generations of its caller's
 * merchants as they were before it was built; every data invalidation of a merchant bumps that
 * merchant's generation (invalidation.ts). A response is valid while those generations are current,
 * so a change to merchant X drops the responses that may show X, and no other tenant's; one built
 * while an invalidation happened carries the old token and is never served. Generations live in the
 * shared store (an invalidation on one instance reaches every instance at once) and are read in the
 * same round trip as the response. Responses are kept serialised: a hit is sent as stored bytes.
 * The ETag is an HMAC over the entry and the current generations: it changes whenever the response
 * may have, and nobody without the secret can compute another caller's.
 */
export function createResponseCache(store: CacheStore, options: ResponseCacheOptions): ResponseCache {
  const { secret, merchants, keyInputOf, onLookup } = options;
  const lookedUp = new Map<string, number>();
  // A warm page is asked for again and again: an HMAC costs more than a lookup of what it covered.
  const hmacs = new LRUCache<string, string>({ max: MAX_KEPT_KEYS });
  const hmac = (material: string): string => {
    let digest = hmacs.get(material);
    if (digest === undefined) {
      digest = createHmac('sha256', secret).update(material).digest('base64url');
      hmacs.set(material, digest);
    }
    return digest;
  };
  // Responses being built, by ETag: what `set` stores them under. Bounded: a result with errors is never set.
  const pending = new LRUCache<string, PendingResponse>({ max: MAX_KEPT_KEYS });

  const entryOf = (input: ResponseKeyInput): string =>
    hmac(JSON.stringify([input.session, input.document, input.variables ?? null, input.operationName ?? null]));
  const generationKeys = (input: ResponseKeyInput): string[] => input.merchants.map((merchant) => cacheKeys.responseGeneration(merchant));
  const etagOf = (entry: string, generations: readonly string[]): string => {
    const etag = hmac(JSON.stringify([entry, generations]));
    pending.set(etag, { entry, generations });
    return etag;
  };
  const validOrNone = (found: unknown, generations: readonly string[]): StoredResponse | undefined => {
    const valid = builtUnder(found, generations) ? found : undefined;
    onLookup?.(valid !== undefined);
    return valid;
  };

  return {
    cache: {
      get: async (etag) => {
        const meta = pending.get(etag);
        if (meta === undefined || lookedUp.has(etag)) return undefined;
        const found = validOrNone(await store.get<unknown>(cacheKeys.response(meta.entry)), meta.generations);
        if (found === undefined) return undefined;
        // As the plugin stored it: its ETag and Last-Modified ride in extensions.http.
        const result = JSON.parse(found.body) as ExecutionResult<Record<string, unknown>>;
        return { ...result, extensions: { ...result.extensions, http: { headers: { ETag: etag, 'Last-Modified': found.lastModified } } } };
      },
      set: (etag, result, _entities, ttl) => {
        const meta = pending.get(etag);
        if (meta === undefined) return;
        const headers = (result.extensions as HttpHeadersExtension | undefined)?.http?.headers;
        const stored: StoredResponse = {
          body: serialise(result),
          lastModified: headers?.['Last-Modified'] ?? new Date().toUTCString(),
          generations: meta.generations,
        };
        return store.set(cacheKeys.response(meta.entry), stored, ttl);
      },
      invalidate: () => invalidateResponses(store, merchants),
    },
    buildResponseCacheKey: async (params) => {
      const input = keyInputOf(params);
      // Unreachable: the plugin is enabled only for callers with a session.
      if (input === null) throw new Error('response cache key asked for a request without a session');
      return etagOf(entryOf(input), await readGenerations(store, generationKeys(input)));
    },
    async lookup(input) {
      const entry = entryOf(input);
      const keys = generationKeys(input);
      const [found, ...current] = await store.getMany<unknown>([cacheKeys.response(entry), ...keys]);
      const generations = await completeGenerations(store, keys, current);
      return { etag: etagOf(entry, generations), found: validOrNone(found, generations) };
    },
    markLookedUp(etag) {
      lookedUp.set(etag, (lookedUp.get(etag) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const count = (lookedUp.get(etag) ?? 1) - 1;
        if (count === 0) lookedUp.delete(etag);
        else lookedUp.set(etag, count);
      };
    },
  };
}

/** The cached responses that may show these merchants, on every instance sharing the store (kept and replayed when the store fails). */
export async function invalidateResponses(store: CacheStore, merchants: readonly MerchantKey[]): Promise<void> {
  await Promise.all(merchants.map((merchant) => bumpGeneration(store, cacheKeys.responseGeneration(merchant))));
}
