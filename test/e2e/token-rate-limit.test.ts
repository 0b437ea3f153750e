import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAccessToken } from '../../src/server/auth/access-tokens.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * auth.tokens[i].requestsPerMinute: a token over its limit gets 429 RATE_LIMITED with Retry-After,
 * before its request is parsed; other tokens are unaffected; instances sharing Redis share the count.
 */

const QUERY = '{ merchants { merchantNo } }';
const tokens = [
  { name: 'console', sha256: hashAccessToken('console-token'), scopes: ['complaints:read'], merchants: '*', requestsPerMinute: 3 },
  { name: 'dashboard', sha256: hashAccessToken('dashboard-token'), scopes: ['complaints:read'], merchants: '*' },
] as const;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

const redis = await redisOrReason('per-token rate limits shared through Redis');
const prefix = uniqueKeyPrefix('token-rate-limit');

describe('per-token rate limits', () => {
  let sandboxes: Sandboxes;
  const gateways: GatewayUnderTest[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await sandboxes.close();
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  it('answers 429 RATE_LIMITED with Retry-After past a token’s limit, and leaves other tokens alone', async () => {
    const gateway = await startGateway(sandboxes, { config: { auth: { tokens: tokens.map((token) => ({ ...token, scopes: [...token.scopes] })) } } });
    gateways.push(gateway);
    for (let i = 0; i < 3; i++) {
      const { status, body } = await gateway.graphql(QUERY, undefined, as('console-token'));
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
    }
    const refused = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as('console-token') },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
    expect(body.errors[0]?.message).not.toContain('console-token');

    for (let i = 0; i < 5; i++) expect((await gateway.graphql(QUERY, undefined, as('dashboard-token'))).status).toBe(200);
  });

  it.skipIf('reason' in redis)('counts one limit across instances sharing Redis', async () => {
    const env = { CACHE_STORE: 'redis', CACHE_URL: REDIS_URL } as const;
    const config = {
      auth: { tokens: tokens.map((token) => ({ ...token, scopes: [...token.scopes] })) },
      cache: { store: 'redis', keyPrefix: `${prefix}shared:` },
    } as const;
    // A generous store timeout: on a loaded CI machine a slow answer would take the outage path (a per-instance share).
    const [a, b] = await Promise.all([
      startGateway(sandboxes, { env, config, storeTimeoutMs: 5_000 }),
      startGateway(sandboxes, { env, config, storeTimeoutMs: 5_000 }),
    ]);
    if (a === undefined || b === undefined) throw new Error('gateways did not start');
    gateways.push(a, b);
    const statuses = [];
    for (const gateway of [a, b, a, b]) statuses.push((await gateway.graphql(QUERY, undefined, as('console-token'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
