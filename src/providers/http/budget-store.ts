import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createStoreGuard } from '../../cache/store-guard.js';

/**
 * Where provider budgets are counted: in this process, or in Redis so that every gateway instance
 * sharing it draws from one budget. The counters are rate-limiter-flexible's fixed windows (Redis:
 * one atomic Lua INCR + EXPIRE per call); the policy on top of them lives in account-budgets.ts.
 */
export type BudgetStoreConfig =
  | { kind: 'memory' }
  /** Every key starts with `keyPrefix`; instances that share it share budgets. */
  | { kind: 'redis'; url: string; keyPrefix: string };

export type BudgetStoreOptions = BudgetStoreConfig & {
  /** Redis stopped answering (the counters fall back to per-process shares meanwhile) or answers again; once each. */
  onAvailability?: (available: boolean) => void;
  /** How long start-up waits for Redis before counting in memory until it connects; default 2 s. */
  connectTimeoutMs?: number;
  /** Per Redis call, after which the call counts locally; default 200 ms. */
  operationTimeoutMs?: number;
};

/**
 * The part of each budget one instance may use on its own while Redis is down: two instances
 * together still keep to the provider's limit; more may meet the provider's own refusals, which are
 * reported as RATE_LIMITED like any other.
 */
const OUTAGE_BUDGET_SHARE = 0.5;

/** A fixed-window counter: the window opens at the first call and lasts `windowSeconds`. */
export interface WindowCounter {
  /** Takes one call for `key`: 0 when taken, else the milliseconds until its window ends. */
  take(key: string): Promise<number>;
  /** Calls left for `key` in its window as of this process's last `take` of it (metrics); undefined before one. */
  remaining(key: string): number | undefined;
}

export interface BudgetStore {
  /** `points` calls per window of `windowSeconds` (whole seconds: Redis expiries are), keys under `name`. */
  counter(name: string, points: number, windowSeconds: number): WindowCounter;
  close(): Promise<void>;
}

function toCounter(limiter: RateLimiterAbstract): WindowCounter {
  // Keys are merchants and `shared`: as many as the configured merchants.
  const remaining = new Map<string, number>();
  return {
    async take(key) {
      try {
        remaining.set(key, (await limiter.consume(key)).remainingPoints);
        return 0;
      } catch (rejection) {
        // A RateLimiterRes is "over budget"; anything else a store failure the insurance did not absorb.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        remaining.set(key, 0);
        return Math.max(1, rejection.msBeforeNext);
      }
    },
    remaining: (key) => remaining.get(key),
  };
}

export function createMemoryBudgetStore(): BudgetStore {
  // The counts live in the limiter object: every user of the store gets the same one per name.
  const limiters = new Map<string, WindowCounter>();
  return {
    counter(name, points, windowSeconds) {
      const id = `${name}\n${points}\n${windowSeconds}`;
      let counter = limiters.get(id);
      if (counter === undefined) {
        counter = toCounter(new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds }));
        limiters.set(id, counter);
      }
      return counter;
    },
    async close() {},
  };
}

/** A budget check must not hold a provider call longer than a cache read does. */
const REDIS_BUDGET_TIMEOUT_MS = 200;

/** A memory store, or a Redis one that is connected (or still connecting, counting in memory meanwhile). */
export async function createBudgetStore(options: BudgetStoreOptions): Promise<BudgetStore> {
  if (options.kind === 'memory') return createMemoryBudgetStore();
  const { url, keyPrefix, onAvailability = () => undefined, connectTimeoutMs = 2_000, operationTimeoutMs = REDIS_BUDGET_TIMEOUT_MS } = options;
  const client = createClient({
    url,
    // Fail fast while disconnected: the per-process share counts instead of calls piling up.
    disableOfflineQueue: true,
    commandOptions: { timeout: operationTimeoutMs },
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) },
  });
  client.on('error', () => undefined);
  let closing = false;
  // Timeouts and a breaker as for the cache: with Redis down, calls count locally at no cost.
  const guard = createStoreGuard({
    timeoutMs: operationTimeoutMs,
    onAvailability: (available) => {
      if (!closing) onAvailability(available);
    },
  });
  const connecting = client.connect().then(
    () => true,
    () => false,
  );
  if (!(await Promise.race([connecting, sleep(connectTimeoutMs, false, { ref: false })]))) guard.reportFailure(undefined);
  const local = createMemoryBudgetStore();
  return {
    counter(name, points, windowSeconds) {
      const keys = { keyPrefix: `${keyPrefix}:${name}`, points, duration: windowSeconds };
      const shared = toCounter(new RateLimiterRedis({ ...keys, storeClient: client, useRedisPackage: true, rejectIfRedisNotReady: true }));
      // Redis down: each instance counts its own share of the budget rather than stopping every
      // call; a share, not the whole, so that instances together stay near the provider's limit.
      const fallback = local.counter(name, Math.max(1, Math.floor(points * OUTAGE_BUDGET_SHARE)), windowSeconds);
      return {
        take: (key) => guard.run(() => shared.take(key)).catch(() => fallback.take(key)),
        remaining: (key) => (guard.available ? shared.remaining(key) : fallback.remaining(key)),
      };
    },
    async close() {
      closing = true;
      if (client.isReady && guard.available) await client.close();
      else client.destroy();
    },
  };
}
