import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { CacheStore } from '../cache/store.js';
import type { EventLog } from '../events/event-log.js';
import type { AccountCredentials, CredentialsMonitor } from './credentials-monitor.js';

export type StoreState = 'ok' | 'failing';
export type ReadinessStatus = 'ready' | 'degraded' | 'not ready';

export interface ReadinessChecks {
  stores: { cache: StoreState; eventLog: StoreState };
  /** By `<module slug>/<account>`. */
  accounts: Record<string, AccountCredentials>;
}

export interface ReadinessReport {
  status: ReadinessStatus;
  checks: ReadinessChecks;
}

export interface ReadinessOptions {
  cache: Pick<CacheStore, 'check'>;
  eventLog: Pick<EventLog, 'check'>;
  credentials: Pick<CredentialsMonitor, 'states'>;
  /** Per store round trip; default 1000. A probe must answer fast whatever the stores do. */
  storeTimeoutMs?: number;
}

async function passes(check: () => Promise<void>, timeoutMs: number): Promise<StoreState> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StoreState>((resolve) => {
    timer = setTimeout(() => resolve('failing'), timeoutMs);
  });
  const outcome = check().then(
    (): StoreState => 'ok',
    (): StoreState => 'failing',
  );
  return Promise.race([outcome, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Out of rotation (503) when this instance cannot do its job, or would fail every call the same
 * way: the event log fails (notifications would be lost), an account's credentials are refused or
 * its answers do not verify (a misconfiguration no retry cures), or no account is reachable
 * (`pending` before the first check counts as not reachable yet). Degraded (200) when a failure
 * leaves service: the cache is best effort, and one provider down leaves the others served.
 */
export function readinessStatus(checks: ReadinessChecks): ReadinessStatus {
  const accounts = Object.values(checks.accounts);
  const misconfigured = accounts.some((account) => account.state === 'failing' && account.reason !== 'network');
  const noneReachable = accounts.length > 0 && !accounts.some((account) => account.state === 'ok');
  if (checks.stores.eventLog === 'failing' || misconfigured || noneReachable) return 'not ready';
  if (checks.stores.cache === 'failing' || accounts.some((account) => account.state !== 'ok')) return 'degraded';
  return 'ready';
}

/**
 * /readyz: one round trip to each store (bounded by `storeTimeoutMs`) and the credentials
 * monitor's latest states, so a probe never calls a provider. The report holds states and reason
 * codes only, never a URL, key or error message.
 */
export function createReadinessCheck(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const { cache, eventLog, credentials, storeTimeoutMs = 1_000 } = options;
  return async () => {
    const [cacheState, eventLogState] = await Promise.all([passes(() => cache.check(), storeTimeoutMs), passes(() => eventLog.check(), storeTimeoutMs)]);
    const checks: ReadinessChecks = { stores: { cache: cacheState, eventLog: eventLogState }, accounts: { ...credentials.states() } };
    return { status: readinessStatus(checks), checks };
  };
}

const UNKNOWN: ReadinessReport = { status: 'not ready', checks: { stores: { cache: 'failing', eventLog: 'failing' }, accounts: {} } };

/** `/readyz` as a yoga plugin: 503 when not ready, else 200 (`ready` or `degraded`); the body lists states only. */
export function useReadyz<TContext extends object>(check: () => Promise<ReadinessReport>): Plugin<TContext> {
  // Only the request hooks: yoga's plugin is typed for the empty context.
  const { onYogaInit, onRequest } = useReadinessCheck({
    endpoint: '/readyz',
    check: async ({ fetchAPI }) => {
      // Our own Response: a thrown error's message would reach the body.
      const report = await check().catch(() => UNKNOWN);
      return new fetchAPI.Response(JSON.stringify(report), {
        status: report.status === 'not ready' ? 503 : 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
  });
  return { ...(onYogaInit === undefined ? {} : { onYogaInit }), ...(onRequest === undefined ? {} : { onRequest }) };
}
