import { merchantKeyToString, PROVIDERS, type MerchantKey } from '../domain/complaint-key.js';
import { ValidationError } from '../domain/errors.js';
import type { ComplaintEvent } from '../domain/events.js';
import type { ListEventsQuery } from './event-log-entry.js';

const MAX_EVENTS_PAGE_SIZE = 500;

// Bounds for what any store must hold; WeChat ids are at most 36 characters.
const MAX_ID_LENGTH = 128;
const MAX_TEXT_LENGTH = 256;
const MAX_MERCHANT_FILTER = 200;

function checkText(value: unknown, field: string, max: number, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ValidationError(`${field} must be a string of 1 to ${max} characters`, field);
  }
}

/** Checks every event before anything is written, so a bad batch stores nothing. */
export function checkEvents(events: readonly ComplaintEvent[]): void {
  for (const event of events) {
    checkText(event.notificationId, 'notificationId', MAX_ID_LENGTH);
    if (!PROVIDERS.includes(event.complaint.provider)) {
      throw new ValidationError('complaint.provider is not a provider', 'complaint.provider');
    }
    checkText(event.complaint.merchantNo, 'complaint.merchantNo', MAX_ID_LENGTH);
    checkText(event.complaint.complaintId, 'complaint.complaintId', MAX_ID_LENGTH);
    checkText(event.actionType, 'actionType', MAX_TEXT_LENGTH);
    checkText(event.providerTime, 'providerTime', MAX_TEXT_LENGTH, true);
    checkText(event.receivedAt, 'receivedAt', MAX_TEXT_LENGTH);
    // Retention reads it (event-log-retention.ts): an entry whose time cannot be read would never be pruned.
    if (Number.isNaN(Date.parse(event.receivedAt))) throw new ValidationError('receivedAt must be an ISO 8601 date-time', 'receivedAt');
  }
}

/** The dedupe identity of an event; providers contain no ':'. */
export function dedupeKey(event: ComplaintEvent): string {
  return `${event.complaint.provider}:${event.notificationId}`;
}

/** Validates `first` and returns the merchant filter without repeats (undefined: no filter). */
export function checkListQuery(query: ListEventsQuery): MerchantKey[] | undefined {
  if (!Number.isSafeInteger(query.first) || query.first < 0 || query.first > MAX_EVENTS_PAGE_SIZE) {
    throw new ValidationError(`first must be an integer from 0 to ${MAX_EVENTS_PAGE_SIZE}`, 'first');
  }
  if (query.merchants === undefined) return undefined;
  if (query.merchants.length > MAX_MERCHANT_FILTER) {
    throw new ValidationError(`at most ${MAX_MERCHANT_FILTER} merchants per query`, 'merchantIds');
  }
  const unique = new Map<string, MerchantKey>();
  for (const merchant of query.merchants) unique.set(merchantKeyToString(merchant), merchant);
  return [...unique.values()];
}
