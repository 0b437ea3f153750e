import type { KeyObject } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { CacheStore } from '../cache/store.js';
import type { EventLog } from '../events/event-log.js';
import { createLoaders, type Loaders } from '../loaders/create-loaders.js';
import { systemClock, type Clock } from '../providers/http/clock.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { signMediaToken, type MediaTokenPayload } from '../server/media-token.js';

/** What the schema needs from the process; a subset of GatewayDeps. */
export interface SchemaDeps {
  registry: ProviderRegistry;
  cache: CacheStore;
  /** The notification feed behind `complaintEvents`. */
  eventLog: EventLog;
  logger: Logger;
  /** Signs media proxy tokens (HMAC-SHA256); the edge's /media/ route verifies with the same key. */
  mediaTokenSecret: KeyObject;
  /** Token → the absolute or root-relative URL of the gateway's media route, e.g. `/media/${token}`. */
  mediaUrlBase: (token: string) => string;
  /** "Today" for default date ranges; default systemClock. */
  clock?: Clock;
}

export interface Context {
  request: Request;
  registry: ProviderRegistry;
  cache: CacheStore;
  eventLog: EventLog;
  logger: Logger;
  loaders: Loaders;
  clock: Clock;
  /** A gateway URL that streams this provider media URL through the merchant's signed download. */
  mediaUrl: (payload: MediaTokenPayload) => string;
  /**
   * Errors of one provider or merchant that must not fail the whole field: reported next to the
   * other sources' data (gateway.ts appends them to the result's `errors`).
   */
  reportPartialError: (error: GraphQLError) => void;
  readonly partialErrors: readonly GraphQLError[];
}

export function createContext(request: Request, deps: SchemaDeps): Context {
  const { clock = systemClock } = deps;
  const partialErrors: GraphQLError[] = [];
  return {
    request,
    registry: deps.registry,
    cache: deps.cache,
    eventLog: deps.eventLog,
    logger: deps.logger,
    loaders: createLoaders({ registry: deps.registry, cache: deps.cache }),
    clock,
    mediaUrl: (payload) => deps.mediaUrlBase(signMediaToken(deps.mediaTokenSecret, payload)),
    reportPartialError: (error) => {
      partialErrors.push(error);
    },
    partialErrors,
  };
}
