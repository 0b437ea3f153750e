import { createHash } from 'node:crypto';
import type { ComplaintKey } from '../domain/complaint-key.js';
import { CACHE_TTL_MS, cacheKeys } from './keys.js';
import type { CacheStore } from './store.js';

/**
 * What the gateway remembers of a write sent with an idempotency key, in the shared store so that a
 * repeat reaches the record on any instance:
 * - `sending`: sent, no answer yet (another request with the key is in flight, or its instance died);
 * - `unknown`: sent, the outcome is unknown (a repeat checks the provider before sending again);
 * - `done`: applied, with the result the first call answered.
 * A definite failure removes the record: nothing was applied, so a repeat may send again.
 */
export type WriteRecord = { state: 'sending' | 'unknown'; fingerprint: string; sentAt: number } | { state: 'done'; fingerprint: string; result: unknown };

export interface WriteRecords {
  get(complaint: ComplaintKey, write: string, idempotencyKey: string): Promise<WriteRecord | undefined>;
  put(complaint: ComplaintKey, write: string, idempotencyKey: string, record: WriteRecord): Promise<void>;
  remove(complaint: ComplaintKey, write: string, idempotencyKey: string): Promise<void>;
}

/** A stable digest of a write's input: the same key with another input is another request. */
export function fingerprintOf(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url');
}

/**
 * Best effort like every use of the cache store: with the store down a repeat is not recognised.
 * Records live under the complaint's key: only a caller that owns the complaint reaches them.
 */
export function createWriteRecords(cache: CacheStore): WriteRecords {
  const keyOf = (complaint: ComplaintKey, write: string, idempotencyKey: string): string =>
    cacheKeys.writeRecord(complaint, write, createHash('sha256').update(idempotencyKey).digest('base64url'));
  return {
    get: (complaint, write, key) => cache.get<WriteRecord>(keyOf(complaint, write, key)),
    put: (complaint, write, key, record) => cache.set(keyOf(complaint, write, key), record, CACHE_TTL_MS.writeRecord),
    remove: (complaint, write, key) => cache.delete([keyOf(complaint, write, key)]),
  };
}
