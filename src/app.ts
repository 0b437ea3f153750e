import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { fileURLToPath } from 'node:url';
import { invalidateComplaint } from './cache/invalidation.js';
import type { CacheStore } from './cache/store.js';
import { openCacheStore } from './cache/open-cache-store.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { createPiiCipher } from './crypto/pii-cipher.js';
import { complaintKeyToString, merchantKeyToString } from './domain/complaint-key.js';
import type { ComplaintEvent } from './domain/events.js';
import { createEventLog, type EventLog } from './events/event-log.js';
import { schedulePruning } from './events/prune-schedule.js';
import { createBudgetStore } from './providers/http/budget-store.js';
import type { Clock } from './providers/http/clock.js';
import type { ProviderDeps, ProviderModuleInfo } from './providers/provider-module.js';
import type { ComplaintProvider, NotificationReceiver } from './providers/provider.js';
import { createProviderRegistry, type ProviderRegistry } from './providers/registry.js';
import { createAccessTokens } from './server/auth/access-tokens.js';
import { SANDBOX_ADMIN_TOKEN } from './server/auth/demo-tokens.js';
import { createGatewayServer } from './server/gateway.js';
import { createGraphiQLOptions, createOfflineGraphiQLRenderer, EXAMPLE_IDS_QUERY, exampleIdsFrom, fillExampleIds, loadExampleTabs } from './server/graphiql.js';
import { createCredentialsMonitor, type MonitoredAccount } from './server/credentials-monitor.js';
import { createReadinessCheck, useReadyz } from './server/health.js';
import { createHttpHandler } from './server/http.js';
import type { NotificationResult } from './observability/metrics.js';
import { metricsAuthorization } from './observability/metrics-authorization.js';
import { currentRequestScope } from './observability/request-scope.js';
import { timeAppends } from './observability/timed-event-log.js';
import { traceCacheStore, traceEventLog } from './observability/traced-stores.js';
import { createTracing } from './observability/tracing.js';
import { UNRECORDED_METRICS } from './observability/unrecorded-metrics.js';
import { useOperationTracing } from './server/plugins/use-operation-tracing.js';
import type { Context } from './schema/context.js';
import type { Logger } from './server/logger.js';
import { createMediaHandler } from './server/media.js';
import { loadPersistedOperations } from './server/persisted-operations.js';
import { createProviderWebhook } from './server/webhooks/notification-intake.js';

export interface AppOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Injected into every provider client and the webhooks; default systemClock. */
  clock?: Clock;
  /** An event log opened by the caller (which hands it over: `close()` closes it); default: from config.eventLog. */
  eventLog?: EventLog;
  /** How often each account's credentials are checked for /readyz, and how long a check may take; default 60 s and 10 s (tests shorten them). */
  credentialsCheck?: { intervalMs?: number; timeoutMs?: number };
  /**
   * Each cache and Redis budget operation's timeout; default 200 ms. Tests of sharing semantics on
   * a loaded CI machine raise it: a slow answer there would take the documented outage path instead.
   */
  storeTimeoutMs?: number;
  /** Spans go here instead of OTLP, and tracing is on whatever the config says (tests: an InMemorySpanExporter). */
  spanExporter?: SpanExporter;
}

/** Everything `npm start` and the end-to-end tests run, assembled from one config; no listening. */
export interface App {
  listener: RequestListener;
  registry: ProviderRegistry;
  cache: CacheStore;
  eventLog: EventLog;
  /** Releases the cache and the event log, and stops provider timers (the caller closes its HTTP server first). */
  close(): Promise<void>;
}

const OPERATIONS_DIR = fileURLToPath(new URL('../schema/operations/', import.meta.url));

/** Every configured account built by its module; webhook receivers by the module's slug, then `{account}`. */
function buildProviders(config: GatewayConfig, deps: ProviderDeps) {
  const providers: ComplaintProvider[] = [];
  // Merchant → the webhook that hears its provider account.
  const webhookAccounts = new Map<string, { slug: string; account: string }>();
  const receivers = new Map<string, { module: ProviderModuleInfo; byAccount: Map<string, NotificationReceiver> }>();
  const credentialChecks: MonitoredAccount[] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const configured of config.providers) {
    const { module, settings } = configured;
    const built = configured.create(deps);
    providers.push(...built.providers);
    for (const provider of built.providers) webhookAccounts.set(merchantKeyToString(provider.merchant), { slug: module.slug, account: settings.account });
    const webhook = receivers.get(module.slug) ?? { module, byAccount: new Map<string, NotificationReceiver>() };
    webhook.byAccount.set(settings.account, built.notifications);
    receivers.set(module.slug, webhook);
    credentialChecks.push({ id: `${module.slug}/${settings.account}`, check: () => built.checkCredentials() });
    if (built.close !== undefined) closers.push(() => built.close?.() ?? Promise.resolve());
  }
  return { providers, webhookAccounts, receivers, credentialChecks, closers };
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger, clock } = options;
  // prom-client only when /metrics serves what it records.
  const metrics = config.server.metrics.enabled ? (await import('./observability/metrics.js')).createGatewayMetrics() : UNRECORDED_METRICS;
  // This app's own tracer provider (several apps may share a process); null: off, nothing wrapped.
  const tracing = await createTracing({
    otlpEndpoint: config.tracing.otlpEndpoint,
    ...(options.spanExporter === undefined ? {} : { exporter: options.spanExporter }),
  });
  // Provider budgets live where the cache does: instances sharing a Redis share one budget per account.
  const budgetStore = await createBudgetStore({
    ...(config.cache.kind === 'redis' ? { kind: 'redis', url: config.cache.url, keyPrefix: `${config.cache.keyPrefix}provider-budget` } : { kind: 'memory' }),
    ...(options.storeTimeoutMs === undefined ? {} : { operationTimeoutMs: options.storeTimeoutMs }),
    onAvailability: (available) => {
      if (available) logger.info('provider budget store answers again: budgets shared across instances');
      else logger.warn('provider budget store unavailable: each instance counts a share of each budget on its own');
    },
  });
  const mediaTokenSecret: KeyObject = config.mediaTokenSecret ?? createSecretKey(randomBytes(32));
  // Without its own key, one derived from the media secret (per process when that is too: README "Personal data at rest").
  const pii = createPiiCipher(config.piiEncryptionKey ?? mediaTokenSecret);
  const { providers, webhookAccounts, receivers, credentialChecks, closers } = buildProviders(config, {
    budgetStore,
    pii,
    ...(clock === undefined ? {} : { clock }),
    onQuotaRemaining: (account, endpoint, remaining) => metrics.quotaRemaining(account, endpoint, remaining),
    onUpstreamCall: (call) => {
      metrics.upstreamRequest(call);
      const scope = currentRequestScope();
      if (scope !== undefined) scope.upstreamCalls += 1;
    },
    onBackgroundError: (what, error) => {
      logger.warn({ what, errorCode: error instanceof Error && 'code' in error ? error.code : 'UNKNOWN' }, 'provider background work failed');
    },
  });
  const registry = createProviderRegistry(providers);
  const cache = await openCacheStore(config.cache, logger, options.storeTimeoutMs);
  const eventLog = options.eventLog ?? (await createEventLog(config.eventLog, { onWarning: (message) => logger.warn(message) }));
  // What requests use: with tracing, each operation a span of the request it serves.
  const requestCache = tracing === null ? cache : traceCacheStore(cache, config.cache.kind);
  const requestEventLog = tracing === null ? eventLog : traceEventLog(eventLog, config.eventLog.store);
  // Retention: the clock that stamps receivedAt decides what is old.
  const pruning = schedulePruning(eventLog, {
    now: () => clock?.now() ?? Date.now(),
    onPruned: (removed) => {
      if (removed > 0) logger.info({ removed }, 'event log pruned');
    },
    onError: (error) => {
      logger.warn({ errorCode: error instanceof Error && 'code' in error ? error.code : 'UNKNOWN' }, 'event log pruning failed');
    },
  });

  // At start and then periodically; /readyz reads the latest states and never calls a provider itself.
  const credentials = createCredentialsMonitor({
    accounts: credentialChecks,
    ...options.credentialsCheck,
    onChange: (account, current, previous) => {
      if (current.state === 'failing') logger.warn({ account, reason: current.reason }, 'provider account credentials check failing');
      else if (previous.state === 'failing') logger.info({ account }, 'provider account credentials check ok again');
    },
  });

  // Built on the first page request. Sandbox mode preloads the demo admin token and puts the seeded
  // data's ids in the examples' variables, so they run as they stand; real mode never lets GraphiQL
  // store the headers (bearer tokens) in the browser.
  const graphiql = config.server.graphiql
    ? async () => {
        const tabs = await loadExampleTabs(OPERATIONS_DIR);
        if (config.source.kind !== 'sandbox') return createGraphiQLOptions({ tabs, mayPersistHeaders: false });
        const headers = { Authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` };
        const answer = await yoga.fetch('http://gateway.internal/graphql', {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ query: EXAMPLE_IDS_QUERY }),
        });
        // Without an answer the placeholders stay: the page still loads.
        const data = answer.ok ? ((await answer.json()) as { data?: unknown }).data : null;
        return createGraphiQLOptions({ tabs: fillExampleIds(tabs, exampleIdsFrom(data)), headers });
      }
    : false;
  const { yoga, cachedAnswers } = createGatewayServer({
    registry,
    accessTokens: createAccessTokens(config.auth.tokens),
    cache: requestCache,
    eventLog: requestEventLog,
    logger,
    mediaTokenSecret,
    metrics,
    ...(clock === undefined ? {} : { clock }),
    options: {
      // Absolute when the public URL is known (clients outside the browser's origin can follow it).
      mediaUrlBase: (token) => `${config.server.publicBaseUrl ?? ''}/media/${token}`,
      webhooks: { publicBaseUrl: config.server.publicBaseUrl, routeOf: (merchant) => webhookAccounts.get(merchantKeyToString(merchant)) },
      development: config.server.development,
      introspection: config.server.introspection,
      limits: config.server.limits,
      responseCacheTtlMs: config.server.responseCacheTtlMs,
      tokenRateLimits: {
        limits: new Map(
          config.auth.tokens.flatMap((token) => (typeof token.requestsPerMinute === 'number' ? [[token.name, token.requestsPerMinute] as const] : [])),
        ),
        store: budgetStore,
      },
      corsOrigins: config.server.cors.origins,
      persistedOperations:
        config.server.persistedOperations.mode === 'off'
          ? null
          : {
              operations: await loadPersistedOperations(OPERATIONS_DIR, config.server.persistedOperations.file),
              only: config.server.persistedOperations.mode === 'only',
            },
      automaticPersistedQueries: config.server.automaticPersistedQueries,
      graphiql,
      renderGraphiQL: createOfflineGraphiQLRenderer(),
      plugins: [useReadyz(createReadinessCheck({ cache, eventLog, credentials })), ...(tracing === null ? [] : [useOperationTracing<Context>()])],
    },
  });

  // A notification changes the complaint: evict it once per complaint, whatever the batch holds,
  // and only the responses that may show its merchant. Only first deliveries get here: a redelivered
  // or replayed notification evicts nothing, so no one can flush caches by resending a stored one
  // (a crash before this ran leaves the cached data until its TTL, at most 5 minutes).
  const onAccepted = async (events: readonly ComplaintEvent[]): Promise<void> => {
    const keys = new Map(events.map((event) => [complaintKeyToString(event.complaint), event.complaint]));
    await Promise.all([...keys.values()].map((key) => invalidateComplaint(requestCache, key)));
  };
  const webhookOptions = {
    eventLog: timeAppends(requestEventLog, (seconds) => metrics.eventLogAppend(seconds)),
    onAccepted,
    onResult: (provider: string, result: NotificationResult) => metrics.notification(provider, result),
    logger,
    maxBodyBytes: config.server.maxWebhookBodyBytes,
    ...(clock === undefined ? {} : { clock }),
  };

  const listener = createHttpHandler({
    yoga,
    cachedAnswers,
    webhooks: new Map(
      [...receivers].map(([slug, { module, byAccount }]) => [slug, createProviderWebhook(module, { ...webhookOptions, receivers: byAccount })]),
    ),
    maxWebhookBodyBytes: config.server.maxWebhookBodyBytes,
    maxGraphqlBodyBytes: { json: config.server.maxRequestBodyBytes, multipart: config.server.maxUploadBodyBytes },
    media: createMediaHandler({ tokenSecret: mediaTokenSecret, registry, cache: requestCache, logger, ...(clock === undefined ? {} : { clock }) }),
    logger,
    metrics: config.server.metrics.enabled ? { registry: metrics.registry, authorize: metricsAuthorization(config.server.metrics.tokenSha256) } : null,
    gatewayMetrics: metrics,
    tracing,
  });

  return {
    listener,
    registry,
    cache,
    eventLog,
    async close() {
      credentials.close();
      pruning.stop();
      await Promise.allSettled([eventLog.close(), cache.close(), budgetStore.close(), ...closers.map((close) => close())]);
      // Last: the spans of work that ended above are flushed too.
      await tracing?.shutdown();
    },
  };
}
