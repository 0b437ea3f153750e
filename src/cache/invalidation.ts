import type { ComplaintKey, MerchantKey } from '../domain/complaint-key.js';
import { bumpGeneration } from './generation.js';
import { cacheKeys } from './keys.js';
import { invalidateResponses } from './response-cache.js';
import type { CacheStore } from './store.js';

/**
 * What each write evicts. Mutations and notifications both land here, so "a read after a write
 * never shows the old state" is decided in one file. None of them fails: an eviction the store
 * cannot take is kept and replayed before the store is read again (store.ts), so a write that
 * reached the provider is reported as done even during a cache outage.
 */

/**
 * A complaint changed (reply, completion, refund decision, a user message, a notification): its
 * detail, every cached page of its history, and the list pages of its merchant (they embed state).
 */
export async function invalidateComplaint(cache: CacheStore, key: ComplaintKey): Promise<void> {
  await Promise.all([
    cache.delete([cacheKeys.complaint(key)]),
    bumpGeneration(cache, cacheKeys.complaintGeneration(key)),
    bumpGeneration(cache, cacheKeys.merchantGeneration(key)),
  ]);
  // After the data: a response built from the old data is then cached under a dead generation.
  // Only this merchant's: responses of tenants who may not see it stay cached.
  await invalidateResponses(cache, [key]);
}

/** The notification URL these merchants share (one provider account) was created, changed or deleted. */
export async function invalidateNotificationUrls(cache: CacheStore, merchants: readonly MerchantKey[]): Promise<void> {
  await cache.delete(merchants.map((merchant) => cacheKeys.notificationUrl(merchant)));
  await invalidateResponses(cache, merchants);
}
