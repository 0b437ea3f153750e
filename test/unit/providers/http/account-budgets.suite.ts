import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../../src/domain/errors.js';
import { BUDGET_EXHAUSTED_MESSAGE, createAccountBudgets, type AccountBudgets, type BudgetWindows } from '../../../../src/providers/http/account-budgets.js';
import type { BudgetStore } from '../../../../src/providers/http/budget-store.js';

/** Two budget stores standing for two gateway instances (Redis: two connections, one prefix). */
export interface TwoInstances {
  stores: readonly [BudgetStore, BudgetStore];
  close(): Promise<void>;
}

const ACCOUNT = '1900000200';
const NOISY = '1900000301';
const QUIET = '1900000302';
// A "minute" of 3 s counted in 1 s windows: ceil(3/1) + 1 = 4 windows touch any 3 s span.
const FAST: BudgetWindows = { periodMs: 3_000, windowMs: 1_000 };

type Group = 'list';

/** Every span of `periodMs` (however aligned) holds at most this many of the stamps. */
function busiestSpan(stamps: readonly number[], periodMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Infinity) - (sorted[i] ?? 0) < periodMs) j++;
    busiest = Math.max(busiest, j - i);
  }
  return busiest;
}

/** Runs `acquire`, recording when it was granted; a RateLimitedError is an expected outcome. */
async function attempt(budgets: AccountBudgets<Group>, merchantNo: string | null, granted: number[]): Promise<'granted' | RateLimitedError> {
  try {
    await budgets.acquire('list', merchantNo);
    granted.push(Date.now());
    return 'granted';
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
}

/**
 * The behaviour every budget store must give, as a keyv-style suite: run with memory stores (one
 * process) and with Redis (two instances sharing one prefix).
 */
export function accountBudgetsSuite(name: string, open: () => Promise<TwoInstances>): void {
  describe(`account budgets (${name})`, () => {
    let instances: TwoInstances;
    beforeAll(async () => {
      instances = await open();
    });
    afterAll(async () => {
      await instances?.close();
    });

    /** The same account's budgets as each instance builds them (a fresh scope per test). */
    const budgetsOf = (scope: string, options: { limit: number; merchants: readonly string[]; maxQueueMs: number; windows: BudgetWindows }) =>
      instances.stores.map((store) =>
        createAccountBudgets<Group>({
          store,
          scope,
          merchants: options.merchants,
          limits: { list: options.limit },
          maxQueueMs: options.maxQueueMs,
          windows: options.windows,
        }),
      ) as [AccountBudgets<Group>, AccountBudgets<Group>];

    it('never lets more than the limit into any period span, however the calls are timed, across both instances', async () => {
      const limit = 8;
      const scope = `test:${randomUUID()}`;
      const [first, second] = budgetsOf(scope, { limit, merchants: [NOISY], maxQueueMs: 0, windows: FAST });
      const [firstQueued, secondQueued] = budgetsOf(scope, { limit, merchants: [NOISY], maxQueueMs: 2_000, windows: FAST });
      const granted: number[] = [];
      const started = Date.now();
      const at = async (ms: number): Promise<void> => sleep(Math.max(0, started + ms - Date.now()));
      // The pattern that puts 2× a limit into one provider window with one fixed window per period:
      // a trickle opens the window, a burst at its end, another right after it.
      await attempt(first, NOISY, granted);
      await at(FAST.periodMs - 100);
      await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(i % 2 === 0 ? first : second, NOISY, granted)));
      await at(FAST.periodMs + 50);
      await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(i % 2 === 0 ? second : first, i % 3 === 0 ? null : NOISY, granted)));
      // Then saturation: six queued callers on the two instances until two periods have passed.
      await Promise.all(
        Array.from({ length: 6 }, async (_, worker) => {
          while (Date.now() - started < FAST.periodMs * 2) await attempt(worker % 2 === 0 ? firstQueued : secondQueued, NOISY, granted);
        }),
      );
      expect(busiestSpan(granted, FAST.periodMs)).toBeLessThanOrEqual(limit);
      // ...and still lets calls through: 2 per 1 s window from the burst on (~2.9 s, 3.9 s, 4.9 s, ...).
      expect(granted.length).toBeGreaterThanOrEqual(8);
      expect(busiestSpan(granted, FAST.periodMs)).toBeGreaterThanOrEqual(limit - 2);
    }, 20_000);

    it("keeps a quiet merchant's reserved share from a noisy sibling's burst on the other instance", async () => {
      // 49 per 12 s in 2 s windows: 7 per window; 2 merchants: 1 reserved each, a pool of 5.
      const windows: BudgetWindows = { periodMs: 12_000, windowMs: 2_000 };
      const [onFirst, onSecond] = budgetsOf(`test:${randomUUID()}`, { limit: 49, merchants: [NOISY, QUIET], maxQueueMs: 0, windows });
      const granted: number[] = [];
      const burst = await Promise.all(Array.from({ length: 20 }, () => attempt(onFirst, NOISY, granted)));
      // Its own reserved call and the whole pool, nothing more.
      expect(burst.filter((outcome) => outcome === 'granted')).toHaveLength(6);
      // The account's own calls draw on the pool only: nothing left.
      expect(await attempt(onSecond, null, granted)).toBeInstanceOf(RateLimitedError);
      expect(await attempt(onSecond, QUIET, granted)).toBe('granted');
      // Exactly its reserved share: the second is refused like the noisy one's.
      expect(await attempt(onSecond, QUIET, granted)).toBeInstanceOf(RateLimitedError);
      expect(await attempt(onFirst, NOISY, granted)).toBeInstanceOf(RateLimitedError);
    });

    it('queues a call up to maxQueueMs, then fails with a retry-after and a message that names no account or merchant', async () => {
      const scope = `wechatpay:${ACCOUNT}:${randomUUID()}`;
      const [impatient] = budgetsOf(scope, { limit: 8, merchants: [NOISY], maxQueueMs: 100, windows: FAST });
      const [, patient] = budgetsOf(scope, { limit: 8, merchants: [NOISY], maxQueueMs: 2_000, windows: FAST });
      const granted: number[] = [];
      expect(await attempt(impatient, NOISY, granted)).toBe('granted');
      expect(await attempt(patient, NOISY, granted)).toBe('granted');
      const refusedAt = Date.now();
      const refused = await attempt(impatient, NOISY, granted);
      // The window frees in under a second, more than the 100 ms it may wait: refused at once.
      expect(Date.now() - refusedAt).toBeLessThan(100);
      expect(refused).toBeInstanceOf(RateLimitedError);
      const error = refused as RateLimitedError;
      expect(error.retryAfterSeconds).toBe(1);
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.message).toBe(BUDGET_EXHAUSTED_MESSAGE);
      for (const secret of [ACCOUNT, NOISY, scope]) expect(error.message).not.toContain(secret);
      const queuedAt = Date.now();
      expect(await attempt(patient, NOISY, granted)).toBe('granted');
      // It waited for the next window rather than failing.
      expect(Date.now() - queuedAt).toBeGreaterThan(500);
      expect(granted).toHaveLength(3);
    });
  });
}
