import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UpstreamCall } from '../providers/http/upstream-observation.js';

/** Operation names come from clients: past this many distinct ones, further names count as `other`. */
const MAX_OPERATION_NAMES = 100;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export type NotificationResult = 'accepted' | 'duplicate' | 'refused';
export type CacheLayer = 'data' | 'response';

/** What `/metrics` serves: prom-client's Registry (the Prometheus text format). */
export interface MetricsExposition {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * The gateway's Prometheus metrics, one registry per app (tests run several apps in a process).
 * Labels are bounded: providers, endpoint names and account names come from code and config,
 * operation names are capped, and no complaint id, query text or token ever becomes a label.
 */
export interface GatewayMetrics {
  readonly registry: MetricsExposition;
  upstreamRequest(call: UpstreamCall): void;
  graphqlRequest(operation: string, outcome: string, seconds: number): void;
  cacheLookup(layer: CacheLayer, hit: boolean): void;
  notification(provider: string, result: NotificationResult): void;
  eventLogAppend(seconds: number): void;
  quotaRemaining(account: string, endpoint: string, remaining: number): void;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const upstreamTotal = new Counter({
    name: 'complaint_gateway_upstream_requests_total',
    help: 'Calls to the providers, by provider, endpoint and outcome',
    labelNames: ['provider', 'endpoint', 'outcome'] as const,
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'complaint_gateway_upstream_request_duration_seconds',
    help: 'Duration of calls to the providers',
    labelNames: ['provider', 'endpoint'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const graphqlTotal = new Counter({
    name: 'complaint_gateway_graphql_requests_total',
    help: 'GraphQL requests, by operation name and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const graphqlSeconds = new Histogram({
    name: 'complaint_gateway_graphql_request_duration_seconds',
    help: 'Duration of GraphQL requests, from the first byte read to the last byte written',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'complaint_gateway_cache_lookups_total',
    help: 'Cache reads, by layer (data: provider answers and generation tokens; response: whole GraphQL responses) and result',
    labelNames: ['layer', 'result'] as const,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'complaint_gateway_notifications_total',
    help: 'Provider notifications received, by provider and result',
    labelNames: ['provider', 'result'] as const,
    registers: [registry],
  });
  const appendSeconds = new Histogram({
    name: 'complaint_gateway_event_log_append_seconds',
    help: 'Duration of event-log appends (one per accepted notification)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const quota = new Gauge({
    name: 'complaint_gateway_quota_remaining',
    help: 'Calls left in the current budget window, by provider account and endpoint',
    labelNames: ['account', 'endpoint'] as const,
    registers: [registry],
  });

  const operations = new Set<string>();
  const operationLabel = (name: string): string => {
    if (!OPERATION_NAME.test(name)) return 'other';
    if (operations.has(name)) return name;
    if (operations.size >= MAX_OPERATION_NAMES) return 'other';
    operations.add(name);
    return name;
  };

  return {
    registry,
    upstreamRequest({ provider, endpoint, outcome, seconds }) {
      upstreamTotal.inc({ provider, endpoint, outcome });
      upstreamSeconds.observe({ provider, endpoint }, seconds);
    },
    graphqlRequest(operation, outcome, seconds) {
      const label = operation === 'anonymous' ? operation : operationLabel(operation);
      graphqlTotal.inc({ operation: label, outcome });
      graphqlSeconds.observe({ operation: label }, seconds);
    },
    cacheLookup(layer, hit) {
      cacheLookups.inc({ layer, result: hit ? 'hit' : 'miss' });
    },
    notification(provider, result) {
      notifications.inc({ provider, result });
    },
    eventLogAppend(seconds) {
      appendSeconds.observe(seconds);
    },
    quotaRemaining(account, endpoint, remaining) {
      quota.set({ account, endpoint }, remaining);
    },
  };
}
