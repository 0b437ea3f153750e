import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventLogError } from '../../../src/events/event-log-error.js';
import { schedulePruning } from '../../../src/events/prune-schedule.js';

describe('schedulePruning', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('prunes shortly after start and then every interval, with the given clock, reporting failures and going on', async () => {
    const calls: Date[] = [];
    let fail = true;
    const log = {
      prune: async (now?: Date) => {
        calls.push(now ?? new Date(0));
        if (fail) {
          fail = false;
          throw new EventLogError('store down');
        }
        return { removed: 3 };
      },
    };
    const errors: unknown[] = [];
    const pruned: number[] = [];
    const schedule = schedulePruning(log, {
      firstDelayMs: 1_000,
      intervalMs: 60_000,
      now: () => Date.parse('2026-12-01T00:00:00Z'),
      onPruned: (removed) => pruned.push(removed),
      onError: (error) => errors.push(error),
    });

    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'EVENT_LOG_UNAVAILABLE' })]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.map((date) => date.toISOString())).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    expect(pruned).toEqual([3]);

    schedule.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toHaveLength(2);
  });

  it('never starts two at once, and starts none after stop', async () => {
    let release: () => void = () => undefined;
    let running = 0;
    let most = 0;
    let calls = 0;
    const log = {
      prune: async () => {
        calls++;
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        running--;
        return { removed: 0 };
      },
    };
    const schedule = schedulePruning(log, { firstDelayMs: 0, intervalMs: 10, onError: () => undefined });
    await vi.advanceTimersByTimeAsync(1_000);
    expect([calls, most]).toEqual([1, 1]);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toBe(2);
    schedule.stop();
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect([calls, running]).toEqual([2, 0]);
  });

  it('does not keep the process alive while it waits', () => {
    vi.useRealTimers();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const schedule = schedulePruning({ prune: async () => ({ removed: 0 }) }, { onError: () => undefined });
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    setTimeoutSpy.mockRestore();
    schedule.stop();
  });
});
