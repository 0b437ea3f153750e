import type { MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintEvent } from '../domain/events.js';

/** What the event log stores and serves (event-log.ts holds the contract; the implementations share these). */

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
