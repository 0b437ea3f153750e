import type { Logger } from '../server/logger.js';
import { CacheStoreError } from './cache-store-error.js';
import { createCacheStore, type CacheStore, type CacheStoreConfig } from './store.js';

/**
 * The configured cache store, checked once at start. A SQLite file that cannot be opened is a
 * start-up error naming its path (a typo the operator must fix); a Redis that does not answer is a
 * warning, then service from the providers until it does (an outage must not stop a restart).
 * Outages are logged once when they begin and once when they end, never with the store's URL.
 */
export async function openCacheStore(config: CacheStoreConfig, logger: Logger, operationTimeoutMs?: number): Promise<CacheStore> {
  const cache = createCacheStore({
    ...config,
    ...(operationTimeoutMs === undefined ? {} : { operationTimeoutMs }),
    onError: (error, operation) => {
      logger.debug({ operation, errorCode: error instanceof Error && 'code' in error ? error.code : 'UNKNOWN' }, 'cache store operation failed');
    },
    onAvailability: (available) => {
      if (available) logger.info({ store: config.kind }, 'cache store answers again: caching resumed');
      else logger.warn({ store: config.kind }, 'cache store unavailable: answering from the providers until it is back');
    },
  });
  try {
    await cache.check();
  } catch (error) {
    if (config.kind !== 'sqlite') return cache;
    await cache.close();
    const cause = error instanceof Error ? error.cause : undefined;
    const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
    throw new CacheStoreError(`The SQLite cache could not be opened at ${config.path}${code}`, { cause: error });
  }
  return cache;
}
