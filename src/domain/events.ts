import type { ComplaintKey } from './complaint-key.js';

/** What the notification feed carries: one accepted provider notification about one complaint. */
export interface ComplaintEvent {
  /** Provider notification id (WeChat `id`); the de-duplication key together with the provider. */
  notificationId: string;
  complaint: ComplaintKey;
  /** Provider action type as sent (`CREATE_COMPLAINT`, `USER_RESPONSE`, ...). */
  actionType: string;
  /** When the provider says it happened (ISO 8601 with offset); null if it did not say. */
  providerTime: string | null;
  /** When this gateway accepted it (ISO 8601, UTC). */
  receivedAt: string;
}
