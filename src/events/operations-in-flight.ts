import { EventLogError } from './event-log-error.js';

/**
 * The operations a networked event log has running, so that `close()` can wait for them and refuse
 * new ones; a failure becomes the store's EventLogError (`unavailable`).
 */
export interface OperationsInFlight {
  track<T>(operation: () => Promise<T>): Promise<T>;
  readonly closed: boolean;
  /** Refuses new operations, then waits for the running ones to settle. */
  close(): Promise<void>;
}

export function trackOperations(unavailable: (error: unknown) => EventLogError): OperationsInFlight {
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  return {
    track(operation) {
      if (closed) return Promise.reject(new EventLogError('The event log is closed'));
      const result = operation().catch((error: unknown) => Promise.reject(unavailable(error)));
      const settled = result.catch(() => undefined);
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return result;
    },
    get closed() {
      return closed;
    },
    async close() {
      closed = true;
      await Promise.all(inFlight);
    },
  };
}
