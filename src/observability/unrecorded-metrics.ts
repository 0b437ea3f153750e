import type { GatewayMetrics } from './metrics.js';

const nothing = (): void => undefined;

/**
 * The metrics of an app whose `/metrics` is off: nothing could read them, so nothing is recorded,
 * and prom-client (with its event-loop delay and GC observers) is never loaded.
 */
export const UNRECORDED_METRICS: GatewayMetrics = {
  registry: { contentType: 'text/plain; version=0.0.4; charset=utf-8', metrics: () => Promise.resolve('') },
  upstreamRequest: nothing,
  graphqlRequest: nothing,
  cacheLookup: nothing,
  notification: nothing,
  eventLogAppend: nothing,
  quotaRemaining: nothing,
};
