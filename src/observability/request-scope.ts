import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What one inbound request accumulates on its way through the gateway, for its access-log line and
 * for every log line written while it runs (logger.ts reads the id). Carried by AsyncLocalStorage,
 * so provider clients and caches deep in a resolver report to their request without plumbing.
 */
export interface RequestScope {
  /** The caller's `x-request-id` when it is a sane one, else a fresh UUID; echoed on the answer. */
  readonly id: string;
  upstreamCalls: number;
  /** The response cache's answer for a GraphQL request: `hit`, `miss`, or undefined (not consulted). */
  responseCache?: 'hit' | 'miss';
  /** The operation name (or `anonymous`) once the GraphQL request is parsed. */
  operation?: string;
  /** The access token's configured name (never the token). */
  tokenName?: string;
  /** How execution ended: `ok`, `partial` (data with errors), `error`. */
  outcome?: 'ok' | 'partial' | 'error';
  /** The request's trace when tracing is on (log lines carry it, to find the trace of a line). */
  traceId?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Accepted from callers and proxies as is: printable, short, no separators a log parser would split on. */
const INBOUND_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(inbound: string | string[] | undefined): string {
  const value = Array.isArray(inbound) ? inbound[0] : inbound;
  return value !== undefined && INBOUND_REQUEST_ID.test(value) ? value : randomUUID();
}

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The scope of the request this code runs for; undefined in background work (timers, start-up). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
