import { gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { createPersistedQueryClient } from '../clients/apollo-persisted-queries.js';
import { countingFetch } from '../helpers/counting-fetch.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/*
 * Automatic persisted queries with the hash store in a Redis cache that two instances share: a
 * query registered through one runs by hash on the other; while Redis does not answer, the client
 * resends the full query and gets its data.
 */

const redis = await redisOrReason('automatic persisted queries across instances');
const prefix = uniqueKeyPrefix('apq-e2e');

describe.skipIf('reason' in redis)('automatic persisted queries in a shared Redis cache', () => {
  let sandboxes: Sandboxes;
  let proxy: TcpProxy;
  let first: GatewayUnderTest;
  let second: GatewayUnderTest;
  const query = gql`
    query SharedApqMerchants {
      merchants { id provider }
    }
  `;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 }, 'redis');
    const keyPrefix = `${prefix}shared:`;
    // Generous store timeouts (a loaded CI machine); the second's is short enough for its blackholed phase.
    first = await startGateway(sandboxes, { config: { cache: { store: 'redis', url: REDIS_URL, keyPrefix } }, storeTimeoutMs: 5_000 });
    // The same store, through a proxy the test can blackhole.
    second = await startGateway(sandboxes, { config: { cache: { store: 'redis', url: proxy.url, keyPrefix } }, storeTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    proxy?.setMode('pass');
    await first?.close();
    await second?.close();
    await sandboxes?.close();
    await proxy?.close();
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  it('serves on one instance, in one round trip, a query registered through the other; kept for days', async () => {
    if (!('admin' in redis)) return;
    const registering = countingFetch();
    const registered = await createPersistedQueryClient(first.graphqlUrl, SANDBOX_ADMIN_TOKEN, registering.fetch).query({ query });
    expect(registering.sent.map((request) => [request.withQuery, request.status])).toEqual([
      [false, 404],
      [true, 200],
    ]);

    const elsewhere = countingFetch();
    const served = await createPersistedQueryClient(second.graphqlUrl, SANDBOX_ADMIN_TOKEN, elsewhere.fetch).query({ query });
    expect(served.data).toEqual(registered.data);
    expect(elsewhere.sent).toEqual([{ method: 'POST', withQuery: false, status: 200 }]);

    const hashes = new Set<string>();
    for await (const batch of redis.admin.scanIterator({ MATCH: `${prefix}*apq:*`, COUNT: 500 })) for (const key of batch) hashes.add(key);
    expect(hashes.size).toBe(1);
    const [key] = [...hashes];
    expect(key).toMatch(/apq:[0-9a-f]{64}$/);
    // One entry, under the query's hash, holding its text (keyv's envelope around it).
    expect(await redis.admin.get(key as string)).toContain('SharedApqMerchants');
    expect(await redis.admin.pTTL(key as string)).toBeGreaterThan(6 * 24 * 60 * 60_000);
  });

  it('answers while the shared store is down: a registered hash is then not found, and the full query runs', async () => {
    // Registered (again, or by the test above) while the store answers.
    await createPersistedQueryClient(first.graphqlUrl, SANDBOX_ADMIN_TOKEN).query({ query });
    proxy.setMode('blackhole');
    try {
      const counted = countingFetch();
      const result = await createPersistedQueryClient(second.graphqlUrl, SANDBOX_ADMIN_TOKEN, counted.fetch).query({ query });
      expect((result.data as { merchants: unknown[] }).merchants.length).toBeGreaterThan(0);
      expect(counted.sent.map((request) => [request.withQuery, request.status])).toEqual([
        [false, 404],
        [true, 200],
      ]);
    } finally {
      proxy.setMode('pass');
    }
  });
});
