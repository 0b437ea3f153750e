import { resolve } from 'node:path';
import type { CacheStoreConfig } from '../cache/store.js';
import type { EventLogConfig } from '../events/event-log.js';
import { z } from 'zod';

/** Where the stores live when nothing says otherwise. */
const STORE_DEFAULTS = {
  cacheStore: 'memory',
  cacheKeyPrefix: 'complaint-gateway:cache:',
  eventLogKeyPrefix: 'complaint-gateway:events:',
} as const;

/** `cache` in the config file. */
export const cacheInput = z.discriminatedUnion(
  'store',
  [
    z.strictObject({ store: z.literal('memory') }),
    z.strictObject({ store: z.literal('sqlite'), path: z.string().min(1) }),
    z.strictObject({ store: z.literal('redis'), url: z.string().optional(), keyPrefix: z.string().min(1).optional() }),
  ],
  { error: 'must be "memory", "sqlite" or "redis"' },
);

/** `eventLog` in the config file. */
export const eventLogInput = z.discriminatedUnion(
  'store',
  [
    z.strictObject({ store: z.literal('sqlite'), path: z.string().min(1) }),
    z.strictObject({ store: z.literal('redis'), url: z.string().optional(), keyPrefix: z.string().min(1).optional() }),
  ],
  { error: 'must be "sqlite" or "redis"' },
);

/** The environment variables the stores read (validated by the caller). */
export interface StoreEnv {
  CACHE_STORE?: 'memory' | 'sqlite' | 'redis' | undefined;
  CACHE_URL?: string | undefined;
  EVENT_LOG_STORE?: 'sqlite' | 'redis' | undefined;
  EVENT_LOG_PATH?: string | undefined;
}

/** The cache store: env over file over the default (memory). */
export function resolveCache(
  file: z.infer<typeof cacheInput> | undefined,
  vars: StoreEnv,
  redisUrl: string | undefined,
  baseDir: string,
  problems: string[],
): CacheStoreConfig {
  const store = vars.CACHE_STORE ?? file?.store ?? STORE_DEFAULTS.cacheStore;
  const fileLocation = file === undefined || file.store === 'memory' || file.store !== store ? undefined : file.store === 'sqlite' ? file.path : file.url;
  const location = vars.CACHE_URL ?? fileLocation;
  switch (store) {
    case 'memory':
      return { kind: 'memory' };
    case 'sqlite':
      if (location === undefined) {
        problems.push('cache.path: required for the sqlite store (or set CACHE_URL)');
        return { kind: 'memory' };
      }
      return { kind: 'sqlite', path: resolve(baseDir, location) };
    case 'redis': {
      const url = location ?? redisUrl;
      if (url === undefined || !isRedisUrl(url)) {
        problems.push('cache.url: a redis:// URL is required for the redis store (or set CACHE_URL / REDIS_URL)');
        return { kind: 'memory' };
      }
      const keyPrefix = file?.store === 'redis' ? file.keyPrefix : undefined;
      return { kind: 'redis', url, keyPrefix: keyPrefix ?? STORE_DEFAULTS.cacheKeyPrefix };
    }
  }
}

/** The event log: env over file; sqlite by default. */
export function resolveEventLog(
  file: z.infer<typeof eventLogInput> | undefined,
  vars: StoreEnv,
  redisUrl: string | undefined,
  baseDir: string,
  problems: string[],
  defaultEventLogPath: string,
): EventLogConfig {
  const store = vars.EVENT_LOG_STORE ?? file?.store ?? 'sqlite';
  if (store === 'sqlite') {
    const path = vars.EVENT_LOG_PATH ?? (file?.store === 'sqlite' ? file.path : undefined) ?? defaultEventLogPath;
    return { store: 'sqlite', path: resolve(baseDir, path) };
  }
  const url = (file?.store === 'redis' ? file.url : undefined) ?? redisUrl;
  if (url === undefined || !isRedisUrl(url)) {
    problems.push('eventLog.url: a redis:// URL is required for the redis store (or set REDIS_URL)');
    return { store: 'sqlite', path: resolve(baseDir, defaultEventLogPath) };
  }
  return { store: 'redis', url, keyPrefix: (file?.store === 'redis' ? file.keyPrefix : undefined) ?? STORE_DEFAULTS.eventLogKeyPrefix };
}

function isRedisUrl(url: string): boolean {
  return /^rediss?:\/\/./.test(url);
}
