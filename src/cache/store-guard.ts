import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleAll, TimeoutStrategy, timeout, wrap } from 'cockatiel';

/** The shortest wait before a broken store is tried again; it doubles per failed trial up to the maximum. */
const HALF_OPEN_AFTER_MS = { initial: 500, max: 10_000 } as const;
/** Consecutive failures (errors or timeouts) that take the store out of use. */
const FAILURES_TO_BREAK = 3;

export interface StoreGuardOptions {
  /** Each operation's budget; beyond it the caller carries on as if the store had failed. */
  timeoutMs: number;
  /** The store stopped answering (once per outage) or answers again (once). */
  onAvailability: (available: boolean, cause?: unknown) => void;
}

/**
 * A timeout on every store operation and a circuit breaker over them: a store that hangs costs a
 * request at most `timeoutMs`, and once it is known down it costs nothing until a trial call
 * (the next operation after the backoff) finds it back.
 */
export interface StoreGuard {
  run<T>(operation: () => Promise<T>): Promise<T>;
  /** A failure seen outside `run` (the start-up or readiness check): reported as an outage at once. */
  reportFailure(cause: unknown): void;
  /** False from a reported outage until the next success. */
  readonly available: boolean;
}

/** For the in-process store, which cannot hang: no timer on the warm path. */
export const UNGUARDED: StoreGuard = { run: (operation) => operation(), reportFailure: () => undefined, available: true };

export function createStoreGuard(options: StoreGuardOptions): StoreGuard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: new ExponentialBackoff({ initialDelay: HALF_OPEN_AFTER_MS.initial, maxDelay: HALF_OPEN_AFTER_MS.max }),
    breaker: new ConsecutiveBreaker(FAILURES_TO_BREAK),
  });
  // Aggressive: the caller is released at the deadline even when the client never settles.
  const policy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  let available = true;
  const reportFailure = (cause: unknown): void => {
    if (!available) return;
    available = false;
    options.onAvailability(false, cause);
  };
  breaker.onBreak((reason) => reportFailure('error' in reason ? reason.error : undefined));
  return {
    reportFailure,
    async run(operation) {
      const result = await policy.execute(() => operation());
      if (!available) {
        available = true;
        options.onAvailability(true);
      }
      return result;
    },
    get available() {
      return available;
    },
  };
}
