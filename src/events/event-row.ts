import type { ComplaintEvent } from '../domain/events.js';
import { encodeCursor } from './event-cursor.js';
import type { EventLogEntry } from './event-log-entry.js';

/** The columns the SQL stores (SQLite, PostgreSQL) keep an event in, as they read them back. */
export interface StoredEventColumns {
  provider: string;
  notification_id: string;
  merchant_no: string;
  complaint_id: string;
  action_type: string;
  provider_time: string | null;
  received_at: string;
}

/** A stored row as a page entry: its store's cursor tag and the row's position. */
export function entryFromColumns(tag: string, position: string, row: StoredEventColumns): EventLogEntry {
  return {
    cursor: encodeCursor(tag, position),
    event: {
      notificationId: row.notification_id,
      complaint: {
        provider: row.provider as ComplaintEvent['complaint']['provider'],
        merchantNo: row.merchant_no,
        complaintId: row.complaint_id,
      },
      actionType: row.action_type,
      providerTime: row.provider_time,
      receivedAt: row.received_at,
    },
  };
}
