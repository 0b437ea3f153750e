import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimitedError } from '../../domain/errors.js';
import { BUDGET_EXHAUSTED_MESSAGE } from './account-budgets.js';
import { systemClock, type Clock } from './clock.js';

export interface QuotaOptions {
  /** Calls allowed per key within `intervalMs` (the provider's published limit). */
  limit: number;
  intervalMs: number;
  /** Longest a call may wait in the queue; past it the call fails with RateLimitedError. */
  maxQueueMs: number;
  clock?: Clock;
  /** Calls left for a key in the current window, after each call (metrics). */
  onRemaining?: (key: string, remaining: number) => void;
}

export interface Quota {
  /** Resolves when a call for `key` may go out now; queues up to maxQueueMs, then rejects. */
  acquire(key: string): Promise<void>;
}

/**
 * A sliding window per key (e.g. merchant + endpoint), so the gateway queues its own calls instead
 * of being throttled (429) by the provider. Time comes from the clock; waiting uses real timers.
 */
export function createQuota(options: QuotaOptions): Quota {
  const { limit, intervalMs, maxQueueMs, clock = systemClock, onRemaining } = options;
  const windows = new Map<string, number[]>();

  const reserve = (key: string): number => {
    const now = clock.now();
    const stamps = (windows.get(key) ?? []).filter((at) => at > now - intervalMs);
    windows.set(key, stamps);
    if (stamps.length < limit) {
      stamps.push(now);
      onRemaining?.(key, limit - stamps.length);
      return 0;
    }
    onRemaining?.(key, 0);
    // The slot frees when the oldest call of the window leaves it.
    return (stamps[stamps.length - limit] ?? now) + intervalMs - now;
  };

  return {
    async acquire(key) {
      const started = clock.now();
      for (;;) {
        const wait = reserve(key);
        if (wait <= 0) return;
        if (clock.now() - started + wait > maxQueueMs) {
          // The key names the merchant: never in the message (see BUDGET_EXHAUSTED_MESSAGE).
          throw new RateLimitedError(BUDGET_EXHAUSTED_MESSAGE, Math.max(1, Math.ceil(wait / 1000)));
        }
        await sleep(wait);
      }
    },
  };
}
