import type { EventLog } from './event-log.js';

export interface PruneScheduleOptions {
  /** Between the end of one prune and the next; default one hour. */
  intervalMs?: number;
  /** The first prune after start; default 30 s (not at once: start-up has enough to do). */
  firstDelayMs?: number;
  /** Milliseconds since the epoch, as the webhooks stamped `receivedAt`; default Date.now. */
  now?: () => number;
  onPruned?: (removed: number) => void;
  /** A failed prune; the next one still runs on schedule. */
  onError: (error: unknown) => void;
}

export interface PruneSchedule {
  /**
   * No prune starts after this. One running is not waited for (a first prune of a large backlog may
   * take long; shutdown must not): closing the log stops it after its current batch.
   */
  stop(): void;
}

/** Prunes the event log in the background: once shortly after start, then every interval; never two at once. */
export function schedulePruning(log: Pick<EventLog, 'prune'>, options: PruneScheduleOptions): PruneSchedule {
  const { intervalMs = 3_600_000, firstDelayMs = 30_000, now = Date.now, onPruned, onError } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const arm = (delayMs: number): void => {
    // unref: a pending prune never keeps the process alive.
    timer = setTimeout(run, delayMs).unref();
  };
  function run(): void {
    void log
      .prune(new Date(now()))
      .then(({ removed }) => onPruned?.(removed))
      .catch(onError)
      .finally(() => {
        if (!stopped) arm(intervalMs);
      });
  }
  arm(firstDelayMs);

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
