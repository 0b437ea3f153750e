import DataLoader from 'dataloader';
import { readGeneration } from '../cache/generation.js';
import { CACHE_TTL_MS, cacheKeys } from '../cache/keys.js';
import { complaintKeyToString, type ComplaintKey } from '../domain/complaint-key.js';
import type { NegotiationPage } from '../domain/negotiation.js';
import type { LoaderDeps } from './complaint-loader.js';

export interface NegotiationPageKey {
  complaint: ComplaintKey;
  limit: number;
  offset: number;
}

export type NegotiationLoader = DataLoader<NegotiationPageKey, NegotiationPage, string>;

async function loadPage({ registry, cache }: LoaderDeps, key: NegotiationPageKey): Promise<NegotiationPage> {
  // The registry first: the cache is shared by every caller, and only the registry knows whom this one may see.
  const provider = registry.get(key.complaint);
  const page = { limit: key.limit, offset: key.offset };
  const generation = await readGeneration(cache, cacheKeys.complaintGeneration(key.complaint));
  const cacheKey = cacheKeys.historyPage(key.complaint, generation, page);
  const cached = await cache.get<NegotiationPage>(cacheKey);
  if (cached !== undefined) return cached;
  const loaded = await provider.getNegotiationHistory(key.complaint.complaintId, page);
  await cache.set(cacheKey, loaded, CACHE_TTL_MS.historyPage);
  return loaded;
}

/** One page of one complaint's negotiation history: cache (per-complaint generation), then provider. */
export function createNegotiationLoader(deps: LoaderDeps): NegotiationLoader {
  return new DataLoader<NegotiationPageKey, NegotiationPage, string>(
    async (keys) => Promise.all(keys.map((key) => loadPage(deps, key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
    { cacheKeyFn: (key) => `${complaintKeyToString(key.complaint)}:${key.limit}:${key.offset}` },
  );
}
