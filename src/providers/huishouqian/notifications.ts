import { createHash, type KeyObject } from 'node:crypto';
import { UnsupportedError, ValidationError } from '../../domain/errors.js';
import type { ComplaintEvent } from '../../domain/events.js';
import type { NegotiationEntry } from '../../domain/negotiation.js';
import type { Clock } from '../http/clock.js';
import type { ComplaintProvider, NotificationReceiver } from '../provider.js';
import { fromProtocolError } from './error-codes.js';
import { HuishouqianProtocolError } from './protocol/errors.js';
import { openNotification, type OpenedNotification } from './protocol/notification.js';
import type { SignatureScheme } from './protocol/signer.js';
import { notificationContentSchema } from './wire.js';

export interface HuishouqianReceiverOptions {
  /** The merchants whose notifications this receiver verifies, each with its sign key. */
  merchants: readonly { merchantNo: string; signKey: string }[];
  /** Each merchant's adapter: a notification is re-read through it (capabilities included). */
  providerFor(merchantNo: string): ComplaintProvider | undefined;
  platformPublicKey: KeyObject;
  scheme: SignatureScheme;
  /** The receipt time, for the history window and the fallback's time bucket. */
  clock: Clock;
}

/**
 * History entries older than this before the notification's receipt are not recorded (except the
 * newest one, always): a first notification about an old complaint would otherwise flood the feed
 * with its whole past. A redelivery that comes later than this finds nothing new to record, which is
 * right; a change that Huishouqian announces more than a day late is still recorded when it is
 * the complaint's newest entry.
 */
export const HISTORY_WINDOW_MS = 24 * 3_600_000;

/**
 * Without history, the identity of a notification is its signed content plus the receipt time
 * rounded down to this bucket: redeliveries within the bucket count once, and so (the loss this
 * fallback accepts) do two genuinely different but byte-identical notifications within one bucket,
 * e.g. two user messages on one complaint ten minutes apart at most. Redeliveries that straddle a
 * bucket boundary count twice.
 */
export const FALLBACK_BUCKET_MS = 10 * 60_000;

/** Huishouqian's largest history page (the adapter's limit); a complaint's history is read whole. */
const HISTORY_PAGE_SIZE = 300;
/** A history longer than this is not a complaint's history: stop reading rather than loop. */
const MAX_HISTORY_PAGES = 20;

/** History operate types (WeChat's, which Huishouqian relays) → the notification action they mean. */
const ACTION_OF_OPERATE_TYPE: Readonly<Record<string, string>> = {
  USER_CREATE_COMPLAINT: 'CREATE_COMPLAINT',
  USER_CONTINUE_COMPLAINT: 'CONTINUE_COMPLAINT',
  USER_RESPONSE: 'USER_RESPONSE',
  PLATFORM_RESPONSE: 'RESPONSE_BY_PLATFORM',
  MERCHANT_RESPONSE: 'MERCHANT_RESPONSE',
  MERCHANT_CONFIRM_COMPLETE: 'MERCHANT_CONFIRM_COMPLETE',
  COMPLAINT_FULL_REFUNDED_SYSTEM_MESSAGE: 'SELLER_REFUND',
};

type ReceivedEvent = Omit<ComplaintEvent, 'receivedAt'>;

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

async function wholeHistory(provider: ComplaintProvider, complaintId: string): Promise<NegotiationEntry[]> {
  const entries: NegotiationEntry[] = [];
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const result = await provider.getNegotiationHistory(complaintId, { limit: HISTORY_PAGE_SIZE, offset: entries.length });
    entries.push(...result.entries);
    const done = result.entries.length < HISTORY_PAGE_SIZE || (result.totalCount !== null && entries.length >= result.totalCount);
    if (done) break;
  }
  return entries;
}

const timeOf = (entry: NegotiationEntry): number => (entry.operatedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(entry.operatedAt));

/** The latest entry by time; among equal times (one-second resolution) the later in the list. */
function newestOf(entries: readonly NegotiationEntry[]): NegotiationEntry | undefined {
  let newest: NegotiationEntry | undefined;
  for (const entry of entries) if (newest === undefined || timeOf(entry) >= timeOf(newest)) newest = entry;
  return newest;
}

/**
 * Complaint notifications (spec 2.1): verified, then read as "this complaint changed", acknowledged
 * with the plain text `SUCCESS`.
 *
 * Huishouqian's notification carries no id, and two different notifications (a user writing twice)
 * are byte-identical to a redelivery of one, so the content cannot be the identity. The receiver
 * re-reads the complaint's history and records one event per history entry, identified by the
 * entry's `logId`: a redelivery finds the same entries (duplicates in the event log, nothing new);
 * a second user message has a new `logId` and so becomes a second event. Only when the merchant's
 * history is switched off does it fall back to content plus a time bucket (FALLBACK_BUCKET_MS).
 */
export function createHuishouqianReceiver(options: HuishouqianReceiverOptions): NotificationReceiver {
  const { providerFor, clock } = options;
  const signKeys = new Map(options.merchants.map((m) => [m.merchantNo, m.signKey]));
  const keys = { signKeyFor: (merchantNo: string) => signKeys.get(merchantNo), platformPublicKey: options.platformPublicKey, scheme: options.scheme };

  const fromHistory = async (provider: ComplaintProvider, merchantNo: string, complaintId: string, actionType: string, receivedMs: number) => {
    const entries = await wholeHistory(provider, complaintId);
    const newest = newestOf(entries);
    if (newest === undefined) return null;
    const recent = entries.filter((entry) => entry === newest || timeOf(entry) >= receivedMs - HISTORY_WINDOW_MS);
    return recent.map(
      (entry): ReceivedEvent => ({
        notificationId: `log-${digest('HUISHOUQIAN', merchantNo, complaintId, entry.logId)}`,
        complaint: { provider: 'HUISHOUQIAN', merchantNo, complaintId },
        // The entry says what happened, even when a redelivery arrives after a later change. The
        // notification's own action names the newest entry only where the entry's type is unknown.
        actionType: ACTION_OF_OPERATE_TYPE[entry.operateType.value] ?? (entry === newest ? actionType : entry.operateType.value),
        providerTime: entry.operatedAt,
      }),
    );
  };

  return {
    async receive(request) {
      let opened: OpenedNotification;
      try {
        opened = openNotification(request.headers, request.body, keys);
      } catch (error) {
        if (error instanceof HuishouqianProtocolError) throw fromProtocolError(error, 'notification');
        throw error;
      }
      const content = notificationContentSchema.safeParse(opened.content);
      if (!content.success) throw new ValidationError('The notification content is not a complaint notification', null);
      const { merchantNo } = opened;
      const { complaintId, actionType } = content.data;
      const provider = providerFor(merchantNo);
      // The switch really turns the receiver off: refused (4xx), nothing read, nothing written.
      if (provider === undefined || !provider.merchant.capabilities.includes('NOTIFICATIONS')) {
        throw new UnsupportedError('HUISHOUQIAN', 'NOTIFICATIONS');
      }
      const receivedMs = clock.now();
      const events = provider.merchant.capabilities.includes('NEGOTIATION_HISTORY')
        ? await fromHistory(provider, merchantNo, complaintId, actionType, receivedMs)
        : null;
      const bucket = Math.floor(receivedMs / FALLBACK_BUCKET_MS);
      return {
        acknowledgement: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'SUCCESS' },
        // An empty history (not seen in practice) falls back like a switched-off one.
        events: events ?? [
          {
            notificationId: `content-${digest('HUISHOUQIAN', merchantNo, opened.signContent, String(bucket))}`,
            complaint: { provider: 'HUISHOUQIAN', merchantNo, complaintId },
            actionType,
            providerTime: null,
          },
        ],
      };
    },
  };
}
