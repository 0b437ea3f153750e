import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimitedError } from '../../domain/errors.js';
import type { BudgetStore, WindowCounter } from './budget-store.js';

/** One text for every merchant: naming the account or merchant would tell a tenant about its siblings. */
export const BUDGET_EXHAUSTED_MESSAGE = 'provider rate limit reached for this merchant, retry later';

export interface BudgetWindows {
  /** The provider's window its limits are stated for; 60 s (tests shrink it). */
  periodMs: number;
  /** The gateway's own, shorter windows; whole seconds (Redis expiries are). */
  windowMs: number;
}

export const DEFAULT_BUDGET_WINDOWS: BudgetWindows = { periodMs: 60_000, windowMs: 10_000 };

export interface BudgetShares {
  /** Calls per gateway window for the whole account. */
  perWindow: number;
  /** Per merchant per window, which no sibling can take. */
  reserved: number;
  /** Per window, for any merchant once its reserved calls are used, and for the account's own calls. */
  pool: number;
}

/**
 * The provider does not say how its minute is measured (the sandbox uses calendar minutes, the real
 * one may slide), so the gateway counts in short fixed windows instead of one 60 s window: two
 * adjacent 60 s windows opened at an arbitrary time could put up to 2× the limit into one provider
 * minute. Windows of length w never overlap, so a span of length S touches at most ceil(S/w) + 1 of
 * them; with `limit / (ceil(S/w) + 1)` calls per window no span of S, however aligned, sees more than
 * the limit (10 s windows: 7 per minute, floor(limit/7) each, e.g. 8 of 60, 28 of 200). Half of a
 * window's calls are reserved in equal shares for the account's merchants and the rest is a pool,
 * so one merchant's burst delays itself while a quiet sibling still gets its reserved calls. Each
 * share keeps to its own windows, so their sum keeps to the limit. (A read the client retries after
 * a 5xx or a dropped connection goes out again uncounted; rounding down usually leaves room for it.)
 */
export function divideBudget(limit: number, merchantCount: number, windows: BudgetWindows = DEFAULT_BUDGET_WINDOWS): BudgetShares {
  const windowsPerPeriod = Math.ceil(windows.periodMs / windows.windowMs) + 1;
  const perWindow = Math.floor(limit / windowsPerPeriod);
  if (perWindow < 1) throw new RangeError(`a limit of ${limit} per period is below one call per window (at least ${windowsPerPeriod})`);
  const count = Math.max(1, merchantCount);
  const half = Math.floor(perWindow / (2 * count));
  // Small budgets still reserve one call each while one is left over for the pool (which the
  // account's own calls need); with fewer calls than that, everything is pool.
  const reserved = half > 0 ? half : perWindow > count ? 1 : 0;
  return { perWindow, reserved, pool: perWindow - reserved * count };
}

export interface AccountBudgetsOptions<G extends string> {
  store: BudgetStore;
  /** Names the account in store keys (e.g. `wechatpay:<mchid>`), never in messages. */
  scope: string;
  /** The merchants the account serves: each gets a reserved share of every group. */
  merchants: readonly string[];
  /** Calls per provider period (a minute) per endpoint group. */
  limits: Readonly<Record<G, number>>;
  /** Longest a call waits for its budget; past it the call fails with RateLimitedError. */
  maxQueueMs: number;
  windows?: BudgetWindows;
  /** Calls left in a group's shared pool for the current window, after each call that drew on it (metrics). */
  onRemaining?: (group: G, remaining: number) => void;
}

export interface AccountBudgets<G extends string> {
  /**
   * Resolves when a call of `group` for `merchantNo` may go out now (its reserved share first,
   * then the pool); `null` is the account's own call (e.g. a notification lookup): the pool only.
   * Waits up to maxQueueMs, then rejects with RateLimitedError.
   */
  acquire(group: G, merchantNo: string | null): Promise<void>;
}

interface GroupCounters {
  reserved: WindowCounter | null;
  /** Never empty: divideBudget leaves at least one call per window to the pool. */
  pool: WindowCounter;
}

/** Budgets of one provider account, per endpoint group, divided among its merchants. */
export function createAccountBudgets<G extends string>(options: AccountBudgetsOptions<G>): AccountBudgets<G> {
  const { store, scope, limits, maxQueueMs, windows = DEFAULT_BUDGET_WINDOWS, onRemaining } = options;
  const merchants = new Set(options.merchants);
  const windowSeconds = windows.windowMs / 1000;
  const groups = new Map<G, GroupCounters>();

  const countersOf = (group: G): GroupCounters => {
    let counters = groups.get(group);
    if (counters === undefined) {
      const shares = divideBudget(limits[group], merchants.size, windows);
      counters = {
        reserved: shares.reserved > 0 ? store.counter(`${scope}:${group}:merchant`, shares.reserved, windowSeconds) : null,
        pool: store.counter(`${scope}:${group}:pool`, shares.pool, windowSeconds),
      };
      groups.set(group, counters);
    }
    return counters;
  };

  /** 0 when the call was counted; else the milliseconds until a share it may use frees. */
  const take = async (group: G, merchantNo: string | null): Promise<number> => {
    const { reserved, pool } = countersOf(group);
    let wait = Number.POSITIVE_INFINITY;
    if (reserved !== null && merchantNo !== null && merchants.has(merchantNo)) {
      const reservedWait = await reserved.take(merchantNo);
      if (reservedWait === 0) return 0;
      wait = reservedWait;
    }
    const poolWait = await pool.take('shared');
    const left = pool.remaining('shared');
    if (left !== undefined) onRemaining?.(group, left);
    return poolWait === 0 ? 0 : Math.min(wait, poolWait);
  };

  return {
    async acquire(group, merchantNo) {
      const deadline = Date.now() + maxQueueMs;
      for (;;) {
        const wait = await take(group, merchantNo);
        if (wait === 0) return;
        // A call that cannot go out within the queue limit fails now rather than at the deadline.
        if (Date.now() + wait > deadline) throw new RateLimitedError(BUDGET_EXHAUSTED_MESSAGE, Math.max(1, Math.ceil(wait / 1000)));
        await sleep(wait);
      }
    },
  };
}
