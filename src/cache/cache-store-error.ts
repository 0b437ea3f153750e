import { GatewayError } from '../domain/errors.js';

/** The cache store failed a write that must not be lost (an eviction, a generation bump). */
export class CacheStoreError extends GatewayError {
  override readonly name = 'CacheStoreError';
  readonly code = 'CACHE_STORE_ERROR';
}
