import type { EventLog } from '../events/event-log.js';

/** The same log, each append's duration reported (seconds), failed ones included. */
export function timeAppends(log: EventLog, observe: (seconds: number) => void): EventLog {
  return {
    ...log,
    async append(events) {
      const started = performance.now();
      try {
        return await log.append(events);
      } finally {
        observe((performance.now() - started) / 1000);
      }
    },
  };
}
