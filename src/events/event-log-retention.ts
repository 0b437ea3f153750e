/** How long the event log keeps an entry and its dedupe record (config `eventLog.retentionDays`). */

export const DAY_MS = 86_400_000;

export const DEFAULT_RETENTION_DAYS = 90;

/**
 * A dedupe record must outlive the providers' retries (WeChat Pay and Huishouqian redeliver an
 * unacknowledged notification for up to 24 hours): pruned sooner, a late retry would be stored twice.
 */
export const MIN_RETENTION_DAYS = 1;

export const DEFAULT_RETENTION_MS = DEFAULT_RETENTION_DAYS * DAY_MS;

/** Entries one prune step removes in one transaction or script: bounds how long an append waits behind it. */
export const PRUNE_BATCH = 500;

/**
 * How many leading entries (arrival order) were received before `now - retentionMs`. It stops at the
 * first younger entry: pruning removes a prefix, so every position up to the watermark is gone and
 * every position after it is still there. An entry behind a younger one (instances' clocks differ a
 * little) waits for the next prune.
 */
export function prunablePrefix(receivedAt: readonly string[], now: Date, retentionMs: number): number {
  const cutoff = now.getTime() - retentionMs;
  let count = 0;
  for (const text of receivedAt) {
    const time = Date.parse(text);
    // An unreadable time is never taken for an old one: a wrong prune cannot be undone.
    if (!(time < cutoff)) break;
    count++;
  }
  return count;
}
