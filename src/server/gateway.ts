import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import {
  createYoga,
  maskError as yogaMaskError,
  renderGraphiQL as renderYogaGraphiQL,
  type GraphiQLOptions,
  type Plugin,
  type YogaServerInstance,
  type YogaServerOptions,
} from 'graphql-yoga';
import type { Logger } from 'pino';
import { createResponseCache } from '../cache/response-cache.js';
import { deriveKey } from '../crypto/derived-key.js';
import type { CacheStore } from '../cache/store.js';
import { mayAccessMerchant, type Principal } from '../domain/access.js';
import type { MerchantKey } from '../domain/complaint-key.js';
import { ConfigurationError, GatewayError } from '../domain/errors.js';
import type { Merchant } from '../domain/merchant.js';
import type { WebhookEndpoints, WebhookRoute } from '../domain/webhook-url.js';
import { PROVIDER_MODULES } from '../providers/modules.js';
import type { EventLog } from '../events/event-log.js';
import type { BudgetStore } from '../providers/http/budget-store.js';
import type { Clock } from '../providers/http/clock.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { observeLookups } from '../observability/observed-cache.js';
import { currentRequestScope } from '../observability/request-scope.js';
import { createContext, type Context } from '../schema/context.js';
import { errorExtensions } from '../schema/error-extensions.js';
import { schema } from '../schema/index.js';
import type { AccessTokens } from './auth/access-tokens.js';
import { createCachedAnswers, type CachedAnswers } from './cached-answers.js';
import { createCorsOptions } from './cors.js';
import type { PersistedOperations } from './persisted-operations.js';
import { useAuth } from './plugins/use-auth.js';
import { useCompression } from './plugins/use-compression.js';
import { useAutomaticPersistedQueries } from './plugins/use-automatic-persisted-queries.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useGraphiQLPage } from './plugins/use-graphiql-page.js';
import { usePrivateResponseCache } from './plugins/use-private-response-cache.js';
import { useRequestErrorCodes } from './plugins/use-request-error-codes.js';
import { DEFAULT_REQUEST_LIMITS, useRequestLimits, type RequestLimits } from './plugins/use-request-limits.js';
import { useRequestParseErrors } from './plugins/use-request-parse-errors.js';
import { useRequestObservation } from './plugins/use-request-observation.js';
import { createTokenRateLimit, useTokenRateLimit } from './plugins/use-token-rate-limit.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useUpstreamCost } from './plugins/use-upstream-cost.js';

export interface GatewayOptions {
  /** Token → URL of the edge's media route, e.g. `(token) => \`/media/${token}\``. */
  mediaUrlBase: (token: string) => string;
  /**
   * GraphiQL on GET /graphql: off by default; pass yoga's options to preload tabs, or a function
   * giving them, called once on the first page request (when the gateway can answer queries).
   */
  graphiql?: boolean | GraphiQLOptions | (() => Promise<GraphiQLOptions>);
  /** Renders the GraphiQL page (the edge serves the assets from the package: no CDN). */
  renderGraphiQL?: (options: GraphiQLOptions) => string | Promise<string>;
  /** Unexpected errors keep their messages (local development only); default false: masked. */
  development?: boolean;
  /** The edge's yoga plugins (auth, limits, health, ...), after the gateway's own. */
  plugins?: Plugin<Context>[];
  /** Default '/graphql'. */
  graphqlEndpoint?: string;
  /** Depth, alias, token, directive, cost and upstream-call caps; default DEFAULT_REQUEST_LIMITS. */
  limits?: RequestLimits;
  /** Schema introspection (GraphiQL needs it); default true. */
  introspection?: boolean;
  /**
   * Trusted documents clients may send by hash (`documentId` or APQ `extensions.persistedQuery.sha256Hash`);
   * `only` refuses any other operation. Default null: none.
   */
  persistedOperations?: { operations: PersistedOperations; only: boolean } | null;
  /**
   * Automatic persisted queries: hashes registered by clients, kept in the cache store (shared by the
   * instances sharing it). Refused with `persistedOperations.only`. Default false.
   */
  automaticPersistedQueries?: boolean;
  /** How long a whole query response is reused for callers with the same grants; 0: never. Default 0. */
  responseCacheTtlMs?: number;
  /**
   * The gateway's own webhooks, the only URLs the notification-URL mutations register. Default: no
   * public base URL (they refuse), accounts named by the merchant's `accountNo`.
   */
  webhooks?: WebhookEndpoints;
  /** Requests per minute by token name, counted in the store (shared through Redis when it is there); default none. */
  tokenRateLimits?: { limits: ReadonlyMap<string, number>; store: BudgetStore } | null;
  /** Browser origins that may call the endpoint (see cors.ts for the syntax); default none: no cross-origin access. */
  corsOrigins?: readonly string[];
}

/** Without the edge's table: each account named after its calling account, under its provider module's slug. */
function defaultWebhookRoute(merchant: Merchant): WebhookRoute | undefined {
  const module = PROVIDER_MODULES.find((candidate) => candidate.name === merchant.provider);
  return module === undefined ? undefined : { slug: module.slug, account: merchant.accountNo };
}

/** Callers with the same scopes and merchants may share cached responses; nobody else may. */
function grantsKey(principal: Principal): string {
  const merchants = principal.merchants === 'all' ? '*' : principal.merchants.map((grant) => `${grant.provider ?? '*'}:${grant.merchantNo}`).sort();
  return JSON.stringify([[...principal.scopes].sort(), merchants]);
}

/**
 * Headers that mark a request as sent by a script, not a cross-site form or link: browsers send
 * JSON POSTs after a CORS preflight anyway; GET and multipart requests without a bearer token must
 * carry one of these (useCsrfPrevention).
 */
const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'];

export interface GatewayDeps {
  registry: ProviderRegistry;
  /** The bearer tokens callers present; each request sees only what its token was granted. */
  accessTokens: AccessTokens;
  cache: CacheStore;
  eventLog: EventLog;
  logger: Logger;
  /**
   * The secret instances share: the HMAC key of media tokens (the /media/ route verifies with it), and
   * the root every other key is derived from (cursors, response-cache keys).
   */
  mediaTokenSecret: KeyObject;
  /** "Today" for default date ranges; default systemClock. */
  clock?: Clock;
  /** Cache lookups are counted here; default none. */
  metrics?: GatewayMetrics;
  options: GatewayOptions;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, Context>;
type YogaPlugin = NonNullable<YogaServerOptions<Record<string, unknown>, Context>['plugins']>[number];

/**
 * Appends what resolvers reported as partial failures (one provider or merchant down) to the
 * result's `errors`, next to the data of the sources that answered.
 */
function usePartialErrors(): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const reported = (args.contextValue as Partial<Context>).partialErrors;
          if (reported === undefined || reported.length === 0 || Symbol.asyncIterator in result) return;
          setResult({ ...result, errors: [...(result.errors ?? []), ...reported] });
        },
      };
    },
  };
}

/**
 * Domain errors are meant for callers: their message and safe fields become `extensions`
 * (code, provider, ...). Everything else goes through yoga's masking.
 */
function createMaskError(logger: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof GatewayError) {
      const located = error instanceof GraphQLError ? error : null;
      return new GraphQLError(original.message, {
        nodes: located?.nodes ?? null,
        source: located?.source ?? null,
        positions: located?.positions ?? null,
        path: located?.path ?? null,
        extensions: errorExtensions(original),
      });
    }
    if (!(error instanceof GraphQLError) || (error.originalError !== undefined && !(error.originalError instanceof GraphQLError))) {
      logger.error({ err: original, path: error instanceof GraphQLError ? error.path : undefined }, 'unexpected error in a GraphQL operation');
    }
    return yogaMaskError(error, message, isDev);
  };
}

/** The GraphQL server as a fetch handler (yoga); the HTTP edge mounts it and never listens here. */
export function createGateway(deps: GatewayDeps): Gateway {
  return createGatewayServer(deps).yoga;
}

export interface GatewayServer {
  yoga: Gateway;
  /** The edge's answers from the response cache (null when it is off), in front of yoga. */
  cachedAnswers: CachedAnswers | null;
}

/** yoga and, with the response cache on, the edge's cached answers, which share its keys and store. */
export function createGatewayServer(deps: GatewayDeps): GatewayServer {
  const { registry, accessTokens, eventLog, logger, mediaTokenSecret, clock, metrics, options } = deps;
  const cache = metrics === undefined ? deps.cache : observeLookups(deps.cache, (hit) => metrics.cacheLookup('data', hit));
  const {
    mediaUrlBase,
    graphiql = false,
    renderGraphiQL,
    development = false,
    plugins = [],
    graphqlEndpoint = '/graphql',
    limits = DEFAULT_REQUEST_LIMITS,
    introspection = true,
    persistedOperations = null,
    automaticPersistedQueries = false,
    responseCacheTtlMs = 0,
    webhooks = { publicBaseUrl: null, routeOf: defaultWebhookRoute },
    corsOrigins = [],
    tokenRateLimits = null,
  } = options;
  const hardening: YogaPlugin[] = [
    useCsrfPrevention(CSRF_HEADERS),
    useRequestParseErrors(),
    useRequestLimits(limits, { blockFieldSuggestions: !introspection }),
    useUpstreamCost(limits.maxUpstreamFields),
  ];
  if (!introspection) hardening.push(useDisableIntrospection());
  if (automaticPersistedQueries) {
    // Registering a hash means sending its query: exactly what `only` forbids.
    if (persistedOperations?.only === true) throw new ConfigurationError('automatic persisted queries cannot be on when only trusted documents run');
    // Before the trusted documents' plugin, which would refuse a hash it does not list.
    hardening.push(useAutomaticPersistedQueries(deps.cache, persistedOperations?.operations ?? new Map()));
  }
  if (persistedOperations !== null) hardening.push(useTrustedDocuments(persistedOperations.operations, { only: persistedOperations.only }));
  // Asked by auth, the response cache and the context: hash the token once per request.
  const principals = new WeakMap<Request, Principal | null>();
  const principalOf = (request: Request): Principal | null => {
    let principal = principals.get(request);
    if (principal === undefined) {
      principal = accessTokens.authenticate(request.headers.get('authorization'));
      principals.set(request, principal);
    }
    return principal;
  };
  // A response may show the merchants its caller was granted: their invalidations, and only theirs, drop it.
  // Per caller, computed once: a token's principal is the same object for every request it sends.
  const audiences = new WeakMap<Principal, { session: string; merchants: readonly MerchantKey[] }>();
  const audienceOf = (principal: Principal) => {
    let audience = audiences.get(principal);
    if (audience === undefined) {
      const merchants = principal.merchants === 'all' ? registry.merchants : registry.merchants.filter((merchant) => mayAccessMerchant(principal, merchant));
      audience = { session: grantsKey(principal), merchants };
      audiences.set(principal, audience);
    }
    return audience;
  };
  const rateLimit = tokenRateLimits === null ? null : createTokenRateLimit(tokenRateLimits.limits, tokenRateLimits.store);
  let cachedAnswers: CachedAnswers | null = null;
  // After usePartialErrors, so that a result missing a failed provider carries its error and is not cached.
  const responseCache: YogaPlugin[] = [];
  if (responseCacheTtlMs > 0) {
    const parts = createResponseCache(deps.cache, {
      secret: deriveKey(mediaTokenSecret, 'response-cache'),
      merchants: registry.merchants,
      keyInputOf: (params) => {
        const principal = principalOf(params.request);
        if (principal === null) return null;
        return {
          ...audienceOf(principal),
          document: params.documentString,
          variables: params.variableValues,
          operationName: params.operationName,
        };
      },
      // The plugin may look twice for one request (before parsing, then before executing): one count per request.
      onLookup: (hit) => {
        const scope = currentRequestScope();
        if (scope?.responseCache === undefined) metrics?.cacheLookup('response', hit);
        if (scope !== undefined) scope.responseCache = hit ? 'hit' : 'miss';
      },
    });
    const answers = createCachedAnswers({
      responseCache: parts,
      authenticate: (authorization) => accessTokens.authenticate(authorization ?? null),
      keyInputOf: (principal, body) => ({ ...audienceOf(principal), document: body.document, variables: body.variables, operationName: body.operationName }),
      rateLimit,
      crossOrigin: corsOrigins.length > 0,
      trustedDocumentsOnly: persistedOperations?.only === true,
    });
    cachedAnswers = answers;
    responseCache.push(
      usePrivateResponseCache({
        cache: parts.cache,
        // yoga's node adapter puts the node request in the context: the edge may have keyed (and looked up) it already.
        buildResponseCacheKey: (params) => {
          const { req } = params.context as { req?: IncomingMessage };
          const edgeEtag = req === undefined ? undefined : answers.etagOf(req);
          return edgeEtag ?? parts.buildResponseCacheKey(params);
        },
        ttl: responseCacheTtlMs,
        enabled: (request) => principalOf(request) !== null,
        session: (request) => {
          const principal = principalOf(request);
          return principal === null ? null : audienceOf(principal).session;
        },
        // A response that selects the payer's phone or openid is never cached, in memory or in a shared
        // store: the data cache holds them sealed, a response would hold them in clear (README "Personal data at rest").
        ttlPerSchemaCoordinate: { 'Complaint.payerPhone': 0, 'Complaint.payerOpenid': 0 },
        // invalidation.ts already drops the merchant's responses on each data change, mutations included.
        invalidateViaMutation: false,
        includeExtensionMetadata: false,
      }),
    );
  }
  const cursorKeys = { complaints: deriveKey(mediaTokenSecret, 'complaints-cursor'), events: deriveKey(mediaTokenSecret, 'events-cursor') };
  const contextDeps = { registry, principalOf, cache, eventLog, logger, mediaTokenSecret, mediaUrlBase, cursorKeys, webhooks, ...(clock ? { clock } : {}) };
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint,
    // Served by useGraphiQLPage (validator, caching headers).
    graphiql: false,
    landingPage: false,
    cors: createCorsOptions(corsOrigins),
    logging: false,
    maskedErrors: { maskError: createMaskError(logger), isDev: development },
    context: ({ request }) => createContext(request, contextDeps),
    plugins: [
      ...(graphiql === false
        ? []
        : [useGraphiQLPage({ endpoint: graphqlEndpoint, options: graphiql === true ? {} : graphiql, render: renderGraphiQL ?? renderYogaGraphiQL })]),
      useRequestObservation(principalOf),
      useAuth(principalOf, graphqlEndpoint),
      ...(rateLimit === null ? [] : [useTokenRateLimit(principalOf, rateLimit, graphqlEndpoint)]),
      ...hardening,
      usePartialErrors(),
      ...responseCache,
      useRequestErrorCodes(),
      ...plugins,
      // Last: it sees every other plugin's answer (the GraphiQL page included) as it will be sent.
      useCompression(),
    ],
  });
  return { yoga, cachedAnswers };
}
