import type { ComplaintEvent } from '../domain/events.js';
import type { AppendResult, EventPage, ListEventsQuery } from './event-log-entry.js';
import { createRedisEventLog, type RedisEventLogConfig } from './redis-event-log.js';
import { createSqliteEventLog, type SqliteEventLogConfig } from './sqlite-event-log.js';

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
  /** Rejects with ValidationError for a malformed cursor or `first`. */
  list(query: ListEventsQuery): Promise<EventPage>;
  /** Waits for operations in flight, then releases the store. */
  close(): Promise<void>;
}

export type EventLogConfig = SqliteEventLogConfig | RedisEventLogConfig;

/** The implementations do not import EventLog (that would be a loop): this return type checks them. */
export function createEventLog(config: EventLogConfig): Promise<EventLog> {
  switch (config.store) {
    case 'sqlite':
      return createSqliteEventLog(config);
    case 'redis':
      return createRedisEventLog(config);
  }
}
