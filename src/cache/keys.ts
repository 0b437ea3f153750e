import { complaintKeyToString, merchantKeyToString, type ComplaintKey, type MerchantKey } from '../domain/complaint-key.js';
import type { ListComplaintsQuery } from '../providers/provider.js';

/**
 * Every cache key and TTL of the gateway. Pages carry a generation token (of the merchant for list
 * pages, of the complaint for history pages): one write of a new token makes every page cached under
 * the old one unreachable, on every instance sharing the store, without enumerating keys.
 */
export const CACHE_TTL_MS = {
  complaint: 5 * 60_000,
  /** Short: new complaints appear upstream without a notification when none is configured. */
  listPage: 60_000,
  historyPage: 5 * 60_000,
  notificationUrl: 10 * 60_000,
  /** How long a write's idempotency key is remembered (a client retrying after a day is a new request). */
  writeRecord: 24 * 60 * 60_000,
  /** Longer than any page it guards; a lost generation only costs misses (tokens are never reused). */
  generation: 24 * 60 * 60_000,
  /** An APQ document by its hash: clients resend a missing one, so the length only bounds the store's size. */
  persistedQuery: 7 * 24 * 60 * 60_000,
} as const;

export const cacheKeys = {
  complaint: (key: ComplaintKey): string => `complaint:${complaintKeyToString(key)}`,
  complaintGeneration: (key: ComplaintKey): string => `generation:complaint:${complaintKeyToString(key)}`,
  historyPage: (key: ComplaintKey, generation: string, page: { limit: number; offset: number }): string =>
    `history:${complaintKeyToString(key)}:${generation}:${page.limit}:${page.offset}`,
  merchantGeneration: (merchant: MerchantKey): string => `generation:merchant:${merchantKeyToString(merchant)}`,
  /** Of the cached GraphQL responses that may show this merchant's data (response-cache.ts). */
  responseGeneration: (merchant: MerchantKey): string => `generation:responses:${merchantKeyToString(merchant)}`,
  response: (key: string): string => `response:${key}`,
  listPage: (merchant: MerchantKey, generation: string, query: ListComplaintsQuery): string =>
    `list:${merchantKeyToString(merchant)}:${generation}:${query.from}:${query.to}:${query.limit}:${query.offset}`,
  notificationUrl: (merchant: MerchantKey): string => `notification-url:${merchantKeyToString(merchant)}`,
  /** `keyHash`: a hash of the caller's idempotency key, so no caller text is spelled in a store key. */
  writeRecord: (complaint: ComplaintKey, write: string, keyHash: string): string => `write:${complaintKeyToString(complaint)}:${write}:${keyHash}`,
  /** `sha256`: the lowercase hex hash the APQ plugin verified (or a caller's, checked to be one). */
  persistedQuery: (sha256: string): string => `apq:${sha256}`,
} as const;
