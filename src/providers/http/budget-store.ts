import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

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
  /** Redis failures (the counters fall back to per-process ones meanwhile); typically a logger call. */
  onError?: (error: unknown) => void;
  /** How long start-up waits for Redis before counting in memory until it connects; default 2 s. */
  connectTimeoutMs?: number;
};

/** A fixed-window counter: the window opens at the first call and lasts `windowSeconds`. */
export interface WindowCounter {
  /** Takes one call for `key`: 0 when taken, else the milliseconds until its window ends. */
  take(key: string): Promise<number>;
}

export interface BudgetStore {
  /** `points` calls per window of `windowSeconds` (whole seconds: Redis expiries are), keys under `name`. */
  counter(name: string, points: number, windowSeconds: number): WindowCounter;
  close(): Promise<void>;
}

function toCounter(limiter: RateLimiterAbstract): WindowCounter {
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (rejection) {
        // A RateLimiterRes is "over budget"; anything else a store failure the insurance did not absorb.
        if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
        throw rejection;
      }
    },
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

/** A memory store, or a Redis one that is connected (or still connecting, counting in memory meanwhile). */
export async function createBudgetStore(options: BudgetStoreOptions): Promise<BudgetStore> {
  if (options.kind === 'memory') return createMemoryBudgetStore();
  const { url, keyPrefix, onError = () => undefined, connectTimeoutMs = 2_000 } = options;
  const client = createClient({
    url,
    // Fail fast while disconnected: the in-memory insurance counts instead of calls piling up.
    disableOfflineQueue: true,
    commandOptions: { timeout: 1_000 },
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) },
  });
  // Reported once per outage, not once per reconnect attempt.
  let healthy = false;
  let closing = false;
  client.on('ready', () => {
    healthy = true;
  });
  client.on('error', (error: unknown) => {
    if (healthy && !closing) onError(error);
    healthy = false;
  });
  const connecting = client.connect().then(
    () => true,
    () => false,
  );
  if (!(await Promise.race([connecting, sleep(connectTimeoutMs, false, { ref: false })]))) {
    onError(new Error('Redis for provider budgets is not reachable: counting per process until it is'));
  }
  return {
    counter(name, points, windowSeconds) {
      const keys = { keyPrefix: `${keyPrefix}:${name}`, points, duration: windowSeconds };
      return toCounter(
        new RateLimiterRedis({
          ...keys,
          storeClient: client,
          useRedisPackage: true,
          rejectIfRedisNotReady: true,
          // Redis down: each instance keeps the budget on its own rather than stopping every call.
          insuranceLimiter: new RateLimiterMemory(keys),
        }),
      );
    },
    async close() {
      closing = true;
      if (client.isReady) await client.close();
      else client.destroy();
      await connecting;
    },
  };
}
