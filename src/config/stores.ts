import { resolve } from 'node:path';
import type { CacheStoreConfig } from '../cache/store.js';
import type { EventLogConfig } from '../events/event-log.js';
import { DAY_MS, DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../events/event-log-retention.js';
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

// At least a day: dedupe records must outlive the providers' 24-hour retry schedule. At most a century.
const RETENTION_PROBLEM = `must be a whole number of days from ${MIN_RETENTION_DAYS} (dedupe must outlast the providers' 24-hour retries) to 36500`;
const retentionDays = z.number({ error: RETENTION_PROBLEM }).int(RETENTION_PROBLEM).min(MIN_RETENTION_DAYS, RETENTION_PROBLEM).max(36_500, RETENTION_PROBLEM);
/** `EVENT_LOG_RETENTION_DAYS`: the same bounds, from text. */
export const retentionDaysEnv = z.coerce.number({ error: RETENTION_PROBLEM }).pipe(retentionDays);
/** `eventLog.retentionDays`, common to every store. */
const retention = { retentionDays: retentionDays.optional() };

/** `eventLog` in the config file. */
export const eventLogInput = z.discriminatedUnion(
  'store',
  [
    z.strictObject({ store: z.literal('sqlite'), path: z.string().min(1), ...retention }),
    z.strictObject({ store: z.literal('redis'), url: z.string().optional(), keyPrefix: z.string().min(1).optional(), ...retention }),
    z.strictObject({ store: z.literal('postgres'), url: z.string().optional(), ...retention }),
  ],
  { error: 'must be "sqlite", "redis" or "postgres"' },
);

/** The environment variables the stores read (validated by the caller). */
export interface StoreEnv {
  CACHE_STORE?: 'memory' | 'sqlite' | 'redis' | undefined;
  CACHE_URL?: string | undefined;
  EVENT_LOG_STORE?: 'sqlite' | 'redis' | 'postgres' | undefined;
  EVENT_LOG_PATH?: string | undefined;
  EVENT_LOG_RETENTION_DAYS?: number | undefined;
  /** The postgres event log's URL; DATABASE_URL when unset. */
  EVENT_LOG_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
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
  if (store === 'postgres') {
    const url = vars.EVENT_LOG_URL ?? (file?.store === 'postgres' ? file.url : undefined) ?? vars.DATABASE_URL;
    if (url === undefined || !isPostgresUrl(url)) {
      problems.push('eventLog.url: a postgres:// URL is required for the postgres store (or set EVENT_LOG_URL / DATABASE_URL)');
      return { store: 'sqlite', path: resolve(baseDir, defaultEventLogPath) };
    }
    return { store: 'postgres', url };
  }
  const url = (file?.store === 'redis' ? file.url : undefined) ?? redisUrl;
  if (url === undefined || !isRedisUrl(url)) {
    problems.push('eventLog.url: a redis:// URL is required for the redis store (or set REDIS_URL)');
    return { store: 'sqlite', path: resolve(baseDir, defaultEventLogPath) };
  }
  return { store: 'redis', url, keyPrefix: (file?.store === 'redis' ? file.keyPrefix : undefined) ?? STORE_DEFAULTS.eventLogKeyPrefix };
}

/** How long the event log keeps entries and dedupe records, whichever store: env over file over 90 days. */
export function resolveEventLogRetentionMs(file: z.infer<typeof eventLogInput> | undefined, vars: StoreEnv): number {
  return (vars.EVENT_LOG_RETENTION_DAYS ?? file?.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
}

function isRedisUrl(url: string): boolean {
  return /^rediss?:\/\/./.test(url);
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\/./.test(url);
}
