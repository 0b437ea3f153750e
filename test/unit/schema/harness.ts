import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { pino } from 'pino';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { createEventLog, type EventLog } from '../../../src/events/event-log.js';
import { createFixedClock } from '../../helpers/fixed-clock.js';
import type { ComplaintProvider } from '../../../src/providers/provider.js';
import { createProviderRegistry } from '../../../src/providers/registry.js';
import type { AccessTokens } from '../../../src/server/auth/access-tokens.js';
import { createGateway, type Gateway } from '../../../src/server/gateway.js';
import { TEST_ADMIN_TOKEN, testAccessTokens } from '../../helpers/access-tokens.js';

export interface GraphQLResponse {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface Harness {
  gateway: Gateway;
  cache: CacheStore;
  eventLog: EventLog;
  mediaTokenSecret: ReturnType<typeof createSecretKey>;
  /** As the test admin token unless `token` names another (see test/helpers/access-tokens.ts). */
  run(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse>;
}

/** The harness gateway's public base URL unless a test says otherwise: its webhooks live under it. */
export const HARNESS_PUBLIC_BASE_URL = 'https://gateway.test';

/** "Now" of every harness: 2026-11-20 12:00 Beijing. */
export const HARNESS_NOW = Date.parse('2026-11-20T12:00:00+08:00');

/** A real SQLite event log in memory, opened on first use so the harness stays synchronous. */
function inMemoryEventLog(): EventLog {
  let opened: Promise<EventLog> | undefined;
  const log = (): Promise<EventLog> => (opened ??= createEventLog({ store: 'sqlite', path: ':memory:' }));
  return {
    append: async (events) => (await log()).append(events),
    list: async (query) => (await log()).list(query),
    prune: async (now) => (await log()).prune(now),
    check: async () => (await log()).check(),
    close: async () => {
      if (opened !== undefined) await (await opened).close();
    },
  };
}

export function createHarness(
  providers: ComplaintProvider[],
  options: {
    cache?: CacheStore;
    eventLog?: EventLog;
    accessTokens?: AccessTokens;
    responseCacheTtlMs?: number;
    /** Default HARNESS_PUBLIC_BASE_URL; null: none configured. */
    publicBaseUrl?: string | null;
    /** The instance secret; default random per harness (pass one to share it between two harnesses). */
    secret?: KeyObject;
  } = {},
): Harness {
  const cache = options.cache ?? createCacheStore({ kind: 'memory' });
  const eventLog = options.eventLog ?? inMemoryEventLog();
  const mediaTokenSecret = options.secret ?? createSecretKey(randomBytes(32));
  const publicBaseUrl = options.publicBaseUrl === undefined ? HARNESS_PUBLIC_BASE_URL : options.publicBaseUrl;
  const gateway = createGateway({
    registry: createProviderRegistry(providers),
    accessTokens: options.accessTokens ?? testAccessTokens(),
    cache,
    eventLog,
    logger: pino({ level: 'silent' }),
    mediaTokenSecret,
    clock: createFixedClock(HARNESS_NOW),
    options: {
      mediaUrlBase: (token) => `http://gateway.test/media/${token}`,
      responseCacheTtlMs: options.responseCacheTtlMs ?? 0,
      webhooks: {
        publicBaseUrl,
        routeOf: (merchant) => ({ slug: merchant.provider === 'WECHAT_PAY' ? 'wechatpay' : 'huishouqian', account: merchant.accountNo }),
      },
    },
  });
  return {
    gateway,
    cache,
    eventLog,
    mediaTokenSecret,
    async run(query, variables, token = TEST_ADMIN_TOKEN) {
      const response = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse;
    },
  };
}
