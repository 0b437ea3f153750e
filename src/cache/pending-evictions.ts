/** Past this many kept keys the whole store is cleared on recovery instead: an outage must not grow memory without bound. */
const MAX_PENDING_KEYS = 10_000;

/** What a replay does to the store; each may throw (the store is still down), and then stays pending. */
export interface EvictionTarget {
  deleteMany(keys: string[]): Promise<void>;
  set(key: string, value: unknown, ttlMs: number | undefined): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Evictions the store could not take, replayed before it is used again. Replaying is always safe:
 * a delete or a fresh generation token only ever costs a miss, never shows stale data.
 */
export interface PendingEvictions {
  deleted(keys: readonly string[]): void;
  replaced(key: string, value: unknown, ttlMs: number | undefined): void;
  readonly empty: boolean;
  /** Concurrent callers share one replay; rejects when the store is still down. */
  replay(target: EvictionTarget): Promise<void>;
}

export function createPendingEvictions(): PendingEvictions {
  let deletes = new Set<string>();
  let sets = new Map<string, { value: unknown; ttlMs: number | undefined }>();
  let overflow = false;
  let running: Promise<void> | null = null;
  const checkBound = (): void => {
    if (deletes.size + sets.size <= MAX_PENDING_KEYS) return;
    overflow = true;
    deletes = new Set();
    sets = new Map();
  };

  const replayOnce = async (target: EvictionTarget): Promise<void> => {
    if (overflow) {
      await target.clear();
      overflow = false;
    }
    const keys = [...deletes];
    if (keys.length > 0) {
      await target.deleteMany(keys);
      for (const key of keys) deletes.delete(key);
    }
    for (const [key, entry] of [...sets]) {
      await target.set(key, entry.value, entry.ttlMs);
      // A newer value kept meanwhile stays for the next replay.
      if (sets.get(key) === entry) sets.delete(key);
    }
  };

  return {
    deleted(keys) {
      if (overflow) return;
      for (const key of keys) deletes.add(key);
      checkBound();
    },
    replaced(key, value, ttlMs) {
      if (overflow) return;
      sets.set(key, { value, ttlMs });
      checkBound();
    },
    get empty() {
      return !overflow && deletes.size === 0 && sets.size === 0;
    },
    replay(target) {
      running ??= replayOnce(target).finally(() => {
        running = null;
      });
      return running;
    },
  };
}
