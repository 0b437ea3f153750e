import { systemClock, type Clock } from '../../src/providers/http/clock.js';

/** A clock stopped at `nowMs` that hands out `nonces` in order, then random ones: reproducible signatures. */
export function createFixedClock(nowMs: number, nonces: readonly string[] = []): Clock {
  let index = 0;
  return {
    now: () => nowMs,
    nonce: (length) => nonces[index++] ?? systemClock.nonce(length),
  };
}
