import type { ComplaintEvent } from '../domain/events.js';
import type { AppendResult, EventPage, ListEventsQuery } from './event-log-entry.js';
import type { PostgresEventLogConfig } from './postgres-event-log.js';
import type { RedisEventLogConfig } from './redis-event-log.js';
import type { SqliteEventLogConfig } from './sqlite-event-log.js';

/**
 * The append-only feed behind `complaintEvents(after:)`. Every implementation keeps these promises,
 * checked by the shared suite (test/contract/event-log.suite.ts):
 * - `append` stores each (provider, notificationId) at most once, however often, however
 *   concurrently and from however many instances it is called; the events of one call are atomic.
 * - `list` returns entries in arrival order; a cursor names a position, stays valid across restarts
 *   and instances sharing the store, and a poller resuming from it sees each entry exactly once.
 */
export interface EventLog {
  /** Rejects with ValidationError for a malformed event (nothing stored) or EventLogError when the store fails. */
  append(events: readonly ComplaintEvent[]): Promise<AppendResult>;
  /**
   * Rejects with ValidationError for a malformed cursor or `first`, and with EventCursorExpiredError
   * when `after` is below the watermark (its position was pruned: the client restarts without it).
   */
  list(query: ListEventsQuery): Promise<EventPage>;
  /**
   * Removes the entries received before `now - retentionMs` (default now), with their dedupe records,
   * as a prefix in arrival order and in bounded batches, so appends wait for one batch at most; then a
   * pruned notification id appended again is stored again (the providers stopped retrying long ago).
   * Persists the watermark (highest pruned position) for `list`. `close` ends a running prune after its
   * current batch (it resolves with what it removed), so shutdown never waits for a large backlog.
   */
  prune(now?: Date): Promise<{ removed: number }>;
  /** One round trip to the store (readiness); rejects with EventLogError when it fails or the log is closed. */
  check(): Promise<void>;
  /** Waits for operations in flight, then releases the store. */
  close(): Promise<void>;
}

export type EventLogConfig = SqliteEventLogConfig | RedisEventLogConfig | PostgresEventLogConfig;

export interface EventLogOptions {
  /** Told what an operator should fix (no URL, no secret), e.g. a Redis that may lose acknowledged notifications. */
  onWarning?: (message: string) => void;
}

/**
 * The implementations do not import EventLog (that would be a loop): this return type checks them.
 * Only the configured store's module (and its driver: sqlite3, @redis/client or pg) is loaded.
 */
export async function createEventLog(config: EventLogConfig, options: EventLogOptions = {}): Promise<EventLog> {
  switch (config.store) {
    case 'sqlite':
      return (await import('./sqlite-event-log.js')).createSqliteEventLog(config);
    case 'redis':
      return (await import('./redis-event-log.js')).createRedisEventLog(config, options);
    case 'postgres':
      return (await import('./postgres-event-log.js')).createPostgresEventLog(config);
  }
}
