import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CachedAnswers } from './cached-answers.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { requestIdFrom, runInRequestScope, type RequestScope } from '../observability/request-scope.js';
import type { GatewayTracing } from '../observability/tracing.js';
import type { Logger } from './logger.js';
import type { MediaHandler } from './media.js';
import { readBody } from './read-body.js';
import type { WebhookHandler, WebhookResponse } from './webhooks/notification-intake.js';

/** The part of a yoga instance the edge uses (a YogaServerInstance satisfies it). */
export interface YogaHandler {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  fetch(url: string, init: RequestInit): Response | Promise<Response>;
}

export interface HttpEdgeOptions {
  yoga: YogaHandler;
  /** Warm GraphQL answers from the response cache, sent before yoga sees the request; default none. */
  cachedAnswers?: CachedAnswers | null;
  /** yoga's `healthCheckEndpoint`; default '/health' (yoga's default). */
  yogaHealthPath?: string;
  /** `/webhooks/<slug>/<account>`: one handler per provider module, by its slug. */
  webhooks: ReadonlyMap<string, WebhookHandler>;
  /** Reading stops past this; the handler then answers 413 in its provider's format. */
  maxWebhookBodyBytes: number;
  /** GraphQL request bodies: JSON (and anything else) and multipart uploads; larger ones get 413 unread. */
  maxGraphqlBodyBytes: { json: number; multipart: number };
  media: MediaHandler;
  logger: Logger;
  /** `/metrics` (Prometheus text format); absent: the route does not exist (404). */
  metrics?: { registry: GatewayMetrics['registry']; authorize(authorization: string | undefined): boolean } | null;
  /** GraphQL requests are counted here too (the access log has them either way). */
  gatewayMetrics?: GatewayMetrics;
  /** A SERVER span per request, child of its `traceparent`; default null: no tracing, no cost. */
  tracing?: GatewayTracing | null;
}

type Route =
  | { kind: 'graphql' }
  | { kind: 'webhook'; slug: string; account: string }
  | { kind: 'media'; token: string }
  | { kind: 'healthz' }
  | { kind: 'readyz' }
  | { kind: 'metrics' }
  | { kind: 'root' }
  | { kind: 'not-found' };

/** The span name's route: a template, never the path (media paths carry tokens). */
const ROUTE_TEMPLATES: Readonly<Record<Route['kind'], string>> = {
  graphql: '/graphql',
  webhook: '/webhooks/{provider}/{account}',
  media: '/media/{token}',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
  root: '/',
  'not-found': 'unknown route',
};

function route(pathname: string): Route {
  if (pathname === '/graphql' || pathname === '/graphql/') return { kind: 'graphql' };
  if (pathname === '/healthz') return { kind: 'healthz' };
  if (pathname === '/readyz') return { kind: 'readyz' };
  if (pathname === '/metrics') return { kind: 'metrics' };
  if (pathname === '/') return { kind: 'root' };
  const webhook = /^\/webhooks\/([a-z0-9-]+)\/([^/]+)$/.exec(pathname);
  if (webhook?.[1] !== undefined && webhook[2] !== undefined) return { kind: 'webhook', slug: webhook[1], account: webhook[2] };
  const media = /^\/media\/([^/]+)$/.exec(pathname);
  if (media?.[1] !== undefined) return { kind: 'media', token: media[1] };
  return { kind: 'not-found' };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * The node:http request listener: `/graphql` (and GraphiQL) and `/readyz` (useReadyz) → yoga,
 * `/webhooks/{provider}/{account}` → that provider's notification intake with a raw body
 * (signatures cover the exact bytes), `/media/{token}` → media proxy, `/healthz` → yoga's health check.
 */
export function createHttpHandler(options: HttpEdgeOptions): RequestListener {
  const {
    yoga,
    cachedAnswers = null,
    yogaHealthPath = '/health',
    webhooks,
    maxWebhookBodyBytes,
    maxGraphqlBodyBytes,
    media,
    logger,
    metrics = null,
    gatewayMetrics,
    tracing = null,
  } = options;

  /**
   * Refuses a GraphQL body before yoga reads it: over the limit by its declared length (Node then
   * never buffers more than that length), or with no length at all (a chunked upload could be endless).
   */
  const refuseGraphqlBody = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false;
    const multipart = (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
    const limit = multipart ? maxGraphqlBodyBytes.multipart : maxGraphqlBodyBytes.json;
    const declared = request.headers['content-length'];
    const refusal =
      declared === undefined
        ? { status: 411, code: 'LENGTH_REQUIRED', message: 'send the body with a Content-Length' }
        : Number(declared) > limit
          ? { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `the request body is over the ${limit}-byte limit` }
          : null;
    if (refusal === null) return false;
    sendJson(response, refusal.status, { errors: [{ message: refusal.message, extensions: { code: refusal.code } }] }, { connection: 'close' });
    request.resume();
    return true;
  };

  const handleWebhook = async (handler: WebhookHandler, account: string, request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      sendJson(response, 405, { code: 'METHOD_NOT_ALLOWED', message: 'use POST' }, { allow: 'POST' });
      return;
    }
    const { body, truncated } = await readBody(request, maxWebhookBodyBytes);
    const answer: WebhookResponse = await handler({ account, headers: request.headers, body });
    // Close instead of reading the rest of an oversized body.
    const extra: Record<string, string> = truncated ? { connection: 'close' } : {};
    response.writeHead(answer.status, { ...answer.headers, ...extra });
    response.end(answer.body);
    if (truncated) request.resume();
  };

  const dispatch = async (request: IncomingMessage, response: ServerResponse, target: Route): Promise<void> => {
    switch (target.kind) {
      case 'graphql':
        if (refuseGraphqlBody(request, response)) return;
        if (cachedAnswers !== null && (await cachedAnswers.answer(request, response, maxGraphqlBodyBytes.json))) return;
        await yoga.handle(request, response);
        return;
      case 'readyz':
        await yoga.handle(request, response);
        return;
      case 'webhook': {
        const handler = webhooks.get(target.slug);
        if (handler === undefined) sendJson(response, 404, { code: 'NOT_FOUND', message: 'no such route' });
        else await handleWebhook(handler, target.account, request, response);
        return;
      }
      case 'media':
        await media(target.token, request, response);
        return;
      case 'healthz': {
        const answer = await yoga.fetch(`http://gateway.internal${yogaHealthPath}`, { method: 'GET' });
        sendJson(response, answer.ok ? 200 : 503, { status: answer.ok ? 'ok' : 'failing' });
        return;
      }
      case 'metrics': {
        if (metrics === null) {
          sendJson(response, 404, { code: 'NOT_FOUND', message: 'no such route' });
        } else if (!metrics.authorize(request.headers.authorization)) {
          sendJson(response, 401, { code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' }, { 'www-authenticate': 'Bearer realm="metrics"' });
        } else {
          const text = await metrics.registry.metrics();
          response.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
          response.end(text);
        }
        return;
      }
      case 'root':
        response.writeHead(302, { location: '/graphql' });
        response.end();
        return;
      case 'not-found':
        sendJson(response, 404, { code: 'NOT_FOUND', message: 'no such route' });
        return;
    }
  };

  /** One info line per GraphQL request (no token, variables or PII), and its metrics. */
  const recordGraphqlRequest = (request: IncomingMessage, response: ServerResponse, scope: RequestScope, ms: number): void => {
    const operation = scope.operation ?? 'anonymous';
    const outcome = scope.outcome ?? (response.statusCode >= 400 ? 'refused' : 'error');
    gatewayMetrics?.graphqlRequest(operation, outcome, ms / 1000);
    logger.info(
      {
        method: request.method,
        operation,
        tokenName: scope.tokenName ?? null,
        status: response.statusCode,
        outcome,
        ms: Math.round(ms * 10) / 10,
        upstreamCalls: scope.upstreamCalls,
        responseCache: scope.responseCache ?? null,
      },
      'graphql request',
    );
  };

  return (request, response) => {
    const started = process.hrtime.bigint();
    const pathname = new URL(request.url ?? '/', 'http://gateway.internal').pathname;
    const target = route(pathname);
    const scope: RequestScope = { id: requestIdFrom(request.headers['x-request-id']), upstreamCalls: 0 };
    response.setHeader('x-request-id', scope.id);
    const span = tracing?.serverSpan(request, ROUTE_TEMPLATES[target.kind]);
    if (span !== undefined) {
      scope.traceId = span.traceId;
      // 'close' comes after 'finish', and alone when the caller went away first.
      response.once('close', () => span.end(response.statusCode));
    }
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Within the scope, so the line carries the request id.
      runInRequestScope(scope, () => {
        if (target.kind === 'graphql' && request.method !== 'OPTIONS') recordGraphqlRequest(request, response, scope, ms);
        // The route kind, not the path: a media path carries a token.
        else logger.debug({ method: request.method, route: target.kind, status: response.statusCode, ms }, 'request');
      });
    });
    const handle = () =>
      dispatch(request, response, target).catch((error: unknown) => {
        logger.error({ route: target.kind, errorName: error instanceof Error ? error.name : typeof error }, 'request failed');
        if (!response.headersSent) sendJson(response, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' });
        else response.destroy();
      });
    runInRequestScope(scope, () => (span === undefined ? handle() : span.run(handle)));
  };
}
