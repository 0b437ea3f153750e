import DataLoader from 'dataloader';
import { CACHE_TTL_MS, cacheKeys } from '../cache/keys.js';
import type { CacheStore } from '../cache/store.js';
import { complaintKeyToString, type ComplaintKey } from '../domain/complaint-key.js';
import type { Complaint } from '../domain/complaint.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ListedComplaints } from './listed-complaints.js';

export interface LoaderDeps {
  registry: ProviderRegistry;
  cache: CacheStore;
}

export type ComplaintLoader = DataLoader<ComplaintKey, Complaint, string>;

async function loadComplaint({ registry, cache }: LoaderDeps, key: ComplaintKey): Promise<Complaint> {
  // The registry first: the cache is shared by every caller, and only the registry knows whom this one may see.
  const provider = registry.get(key);
  const cacheKey = cacheKeys.complaint(key);
  const cached = await cache.get<Complaint>(cacheKey);
  if (cached !== undefined) return cached;
  const complaint = await provider.getComplaint(key.complaintId);
  await cache.set(cacheKey, complaint, CACHE_TTL_MS.complaint);
  return complaint;
}

/**
 * ComplaintKey → Complaint: this request's lists, then the cache, then the merchant's provider.
 * Neither provider has a batch detail endpoint, so the batch runs the misses in parallel; the point
 * of the loader is that a complaint asked for many times in one operation, or returned by a list of
 * the same operation, is fetched at most once.
 */
export function createComplaintLoader(deps: LoaderDeps, listed: ListedComplaints): ComplaintLoader {
  return new DataLoader<ComplaintKey, Complaint, string>(
    async (keys) => {
      await listed.settled();
      return Promise.all(
        keys.map(async (key) => {
          try {
            return listed.get(key) ?? (await loadComplaint(deps, key));
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
    },
    { cacheKeyFn: complaintKeyToString },
  );
}

/**
 * The provider's detail view, never a list item: for the few fields lists leave out (WeChat's
 * list has no payer_openid), asked only when such a field is selected on a listed complaint.
 */
export function createComplaintDetailLoader(deps: LoaderDeps): ComplaintLoader {
  return new DataLoader<ComplaintKey, Complaint, string>(
    async (keys) =>
      Promise.all(keys.map((key) => loadComplaint(deps, key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
    { cacheKeyFn: complaintKeyToString },
  );
}

/** Complaints a list returned are complete complaints: asking their details must cost nothing more. */
export function primeComplaints(loader: ComplaintLoader, listed: ListedComplaints, complaints: readonly Complaint[]): void {
  listed.add(complaints);
  for (const complaint of complaints) loader.prime(complaint.key, complaint);
}
