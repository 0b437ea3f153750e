import type { MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintEvent } from '../domain/events.js';
import { createRedisEventLog } from './redis-event-log.js';
import { createSqliteEventLog } from './sqlite-event-log.js';

/**
 * The append-only feed behind `complaintEvents(after:)`. Every implementation keeps these promises,
 * checked by the shared suite (test/unit/events/event-log.suite.ts):
 * - `append` stores each (provider, notificationId) at most once, however often, however
 *   concurrently and from however many instances it is called; the events of one call are atomic.
 * - `list` returns entries in arrival order; a cursor names a position, stays valid across restarts
 *   and instances sharing the store, and a poller resuming from it sees each entry exactly once.
 */
export interface EventLog {
  /** Rejects with ValidationError for a malformed event (nothing stored) or EventLogError when the store fails. */
  append(events: readonly ComplaintEvent[]): Promise<AppendResult>;
  /** Rejects with ValidationError for a malformed cursor or `first`. */
  list(query: ListEventsQuery): Promise<EventPage>;
  /** Waits for operations in flight, then releases the store. */
  close(): Promise<void>;
}

export interface EventLogEntry {
  /** Opaque; pass as `after` to continue behind this entry. */
  cursor: string;
  event: ComplaintEvent;
}

/** One outcome per appended event, in the order given. */
export interface AppendResult {
  entries: AppendedEntry[];
}

export interface AppendedEntry extends EventLogEntry {
  /**
   * True when the log already held this (provider, notificationId): nothing was written, `cursor`
   * names the entry stored first and `event` is the one passed in.
   */
  duplicate: boolean;
}

export interface ListEventsQuery {
  /** A cursor from an earlier `list` or `append`; omitted: from the beginning. */
  after?: string;
  /** Page size, 0 to MAX_EVENTS_PAGE_SIZE (event-log-input.ts). */
  first: number;
  /** Only events about these merchants; omitted: all. An empty list matches nothing. */
  merchants?: readonly MerchantKey[];
}

export interface EventPage {
  entries: EventLogEntry[];
  hasNextPage: boolean;
}

export type EventLogConfig = SqliteEventLogConfig | RedisEventLogConfig;

/** Embedded, durable default: one file, safe for several processes on one machine. */
export interface SqliteEventLogConfig {
  store: 'sqlite';
  /** File path; created with its table on first use. */
  path: string;
  /** How long a writer waits for another process's transaction; default 5000. */
  busyTimeoutMs?: number;
}

/** Shared mode: several gateway instances append to and serve one feed. */
export interface RedisEventLogConfig {
  store: 'redis';
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prefix of every key this log owns; default `complaint-gateway:events:`. */
  keyPrefix?: string;
  /** Per-command limit, so a stalled Redis fails the webhook (and the provider retries); default 2000. */
  commandTimeoutMs?: number;
}

export function createEventLog(config: EventLogConfig): Promise<EventLog> {
  switch (config.store) {
    case 'sqlite':
      return createSqliteEventLog(config);
    case 'redis':
      return createRedisEventLog(config);
  }
}
