import type { KeyObject } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { CacheStore } from '../cache/store.js';
import type { EventLog } from '../events/event-log.js';
import { mayAccessMerchant, type Principal } from '../domain/access.js';
import { UnauthenticatedError } from '../domain/errors.js';
import { sameAccount, type Merchant } from '../domain/merchant.js';
import type { WebhookEndpoints } from '../domain/webhook-url.js';
import { createLoaders, type Loaders } from '../loaders/create-loaders.js';
import { systemClock, type Clock } from '../providers/http/clock.js';
import { createScopedRegistry, type ProviderRegistry } from '../providers/registry.js';
import { mediaUrlExpiry, signMediaToken, type MediaTokenPayload } from '../crypto/media-token.js';

/** What the schema needs from the process; a subset of GatewayDeps. */
export interface SchemaDeps {
  /** Every configured merchant; each request sees only the part its caller was granted. */
  registry: ProviderRegistry;
  /** The caller of a request (its bearer token), or null when it has no valid token. */
  principalOf: (request: Request) => Principal | null;
  cache: CacheStore;
  /** The notification feed behind `complaintEvents`. */
  eventLog: EventLog;
  logger: Logger;
  /** Signs media proxy tokens (HMAC-SHA256); the edge's /media/ route verifies with the same key. */
  mediaTokenSecret: KeyObject;
  /** Token → the absolute or root-relative URL of the gateway's media route, e.g. `/media/${token}`. */
  mediaUrlBase: (token: string) => string;
  /** Sign and check the cursors the gateway hands out (derived from the shared secret, so every instance accepts them). */
  cursorKeys: CursorKeys;
  /** The gateway's own webhooks: the only notification URLs the mutations register. */
  webhooks: WebhookEndpoints;
  /** "Today" for default date ranges; default systemClock. */
  clock?: Clock;
}

export interface CursorKeys {
  complaints: KeyObject;
  events: KeyObject;
}

export interface Context {
  request: Request;
  principal: Principal;
  /** The merchants this caller was granted: every other merchant is unknown to this request. */
  registry: ProviderRegistry;
  /**
   * Whether the caller was granted every merchant of this merchant's provider account, as changing
   * a per-account setting (the notification URL) requires: it changes it for all of them.
   */
  mayAdministerAccount: (merchant: Merchant) => boolean;
  webhooks: WebhookEndpoints;
  cache: CacheStore;
  eventLog: EventLog;
  logger: Logger;
  loaders: Loaders;
  clock: Clock;
  cursorKeys: CursorKeys;
  /** A gateway URL that streams this provider media URL through the merchant's signed download. */
  mediaUrl: (payload: Omit<MediaTokenPayload, 'expiresAt'>) => string;
  /**
   * Errors of one provider or merchant that must not fail the whole field: reported next to the
   * other sources' data (gateway.ts appends them to the result's `errors`).
   */
  reportPartialError: (error: GraphQLError) => void;
  readonly partialErrors: readonly GraphQLError[];
}

export function createContext(request: Request, deps: SchemaDeps): Context {
  const { clock = systemClock } = deps;
  // The HTTP layer (useAuth) answers 401 before this runs; this only keeps that a hard rule.
  const principal = deps.principalOf(request);
  if (principal === null) throw new UnauthenticatedError('a valid bearer token is required');
  const registry = principal.merchants === 'all' ? deps.registry : createScopedRegistry(deps.registry, (merchant) => mayAccessMerchant(principal, merchant));
  const partialErrors: GraphQLError[] = [];
  return {
    request,
    principal,
    registry,
    mayAdministerAccount: (merchant) =>
      deps.registry.merchants.filter((other) => sameAccount(other, merchant)).every((other) => mayAccessMerchant(principal, other)),
    webhooks: deps.webhooks,
    cache: deps.cache,
    eventLog: deps.eventLog,
    logger: deps.logger,
    loaders: createLoaders({ registry, cache: deps.cache }),
    clock,
    cursorKeys: deps.cursorKeys,
    mediaUrl: (payload) => deps.mediaUrlBase(signMediaToken(deps.mediaTokenSecret, { ...payload, expiresAt: mediaUrlExpiry(clock.now()) })),
    reportPartialError: (error) => {
      partialErrors.push(error);
    },
    partialErrors,
  };
}
