import DataLoader from 'dataloader';
import { CACHE_TTL_MS, cacheKeys } from '../cache/keys.js';
import type { CacheStore } from '../cache/store.js';
import { complaintKeyToString, type ComplaintKey } from '../domain/complaint-key.js';
import type { Complaint } from '../domain/complaint.js';
import { complaintNotFound, ForbiddenError, NotFoundError } from '../domain/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ListedComplaints } from './listed-complaints.js';

export interface LoaderDeps {
  registry: ProviderRegistry;
  cache: CacheStore;
}

export type ComplaintLoader = DataLoader<ComplaintKey, Complaint, string>;

function isComplaint(complaint: Complaint, key: ComplaintKey): boolean {
  return complaintKeyToString(complaint.key) === complaintKeyToString(key);
}

/**
 * The complaint `key` names, only if it belongs to that merchant as the provider states it (the
 * owner in the provider's answer, never the merchant in the caller's id), and only if this caller
 * sees that merchant. Anything else, whether unknown, another merchant's or a merchant not
 * granted, is the same `complaintNotFound()`. The cache only ever holds complaints under their
 * owner's key, so a cached copy carries the owner the provider stated.
 */
export async function loadOwnedComplaint({ registry, cache }: LoaderDeps, key: ComplaintKey): Promise<Complaint> {
  // The registry first: the cache is shared by every caller, and only the registry knows whom this one may see.
  const provider = registry.find(key);
  if (provider === undefined) throw complaintNotFound();
  const cacheKey = cacheKeys.complaint(key);
  const cached = await cache.get<Complaint>(cacheKey);
  if (cached !== undefined && isComplaint(cached, key)) return cached;
  let complaint: Complaint;
  try {
    complaint = await provider.getComplaint(key.complaintId);
  } catch (error) {
    // A provider's "not yours" (403) and "unknown" (404) must read alike.
    if (error instanceof NotFoundError || error instanceof ForbiddenError) throw complaintNotFound();
    throw error;
  }
  // The adapters check the owner; this keeps the rule whatever an adapter does.
  if (!isComplaint(complaint, key)) throw complaintNotFound();
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
            return listed.get(key) ?? (await loadOwnedComplaint(deps, key));
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
      Promise.all(keys.map((key) => loadOwnedComplaint(deps, key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
    { cacheKeyFn: complaintKeyToString },
  );
}

/** Complaints a list returned are complete complaints: asking their details must cost nothing more. */
export function primeComplaints(loader: ComplaintLoader, listed: ListedComplaints, complaints: readonly Complaint[]): void {
  listed.add(complaints);
  for (const complaint of complaints) loader.prime(complaint.key, complaint);
}
