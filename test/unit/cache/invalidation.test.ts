import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readGeneration } from '../../../src/cache/generation.js';
import { invalidateComplaint, invalidateNotificationUrls } from '../../../src/cache/invalidation.js';
import { cacheKeys } from '../../../src/cache/keys.js';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { createFakeProvider, makeComplaint } from '../../helpers/fake-provider.js';
import { createHarness } from '../schema/harness.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../helpers/redis.js';

const LIST = `{ complaints(first: 50, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { complaintId state } } } }`;
const DETAIL = `query($id: ID!) { complaint(id: $id) { state negotiationHistory(first: 10) { edges { node { details } } } } }`;
const REPLY = `mutation($id: ID!) { replyToComplaint(input: { complaintId: $id, text: "on it" }) { __typename } }`;

function world() {
  const provider = createFakeProvider({ merchantNo: '1900000001' });
  const key = { ...provider.merchant, complaintId: 'c1' };
  provider.add(makeComplaint(key, '2026-11-02T09:30:00+08:00'));
  provider.add(makeComplaint({ ...key, complaintId: 'c2' }, '2026-11-03T09:30:00+08:00'));
  return { provider, key, id: complaintGlobalId(key) };
}

describe('invalidateComplaint', () => {
  it('evicts the detail and moves the complaint and merchant generations', async () => {
    const cache = createCacheStore({ kind: 'memory' });
    const { key } = world();
    const otherMerchant = { provider: key.provider, merchantNo: '1900000002' };
    await cache.set(cacheKeys.complaint(key), { stale: true });
    const complaintGeneration = await readGeneration(cache, cacheKeys.complaintGeneration(key));
    const merchantGeneration = await readGeneration(cache, cacheKeys.merchantGeneration(key));
    const responseGeneration = await readGeneration(cache, cacheKeys.responseGeneration(key));
    const otherResponseGeneration = await readGeneration(cache, cacheKeys.responseGeneration(otherMerchant));
    expect(await readGeneration(cache, cacheKeys.merchantGeneration(key))).toBe(merchantGeneration);

    await invalidateComplaint(cache, key);
    expect(await cache.get(cacheKeys.complaint(key))).toBeUndefined();
    expect(await readGeneration(cache, cacheKeys.complaintGeneration(key))).not.toBe(complaintGeneration);
    expect(await readGeneration(cache, cacheKeys.merchantGeneration(key))).not.toBe(merchantGeneration);
    // The responses that may show this merchant, and no other merchant's.
    expect(await readGeneration(cache, cacheKeys.responseGeneration(key))).not.toBe(responseGeneration);
    expect(await readGeneration(cache, cacheKeys.responseGeneration(otherMerchant))).toBe(otherResponseGeneration);
  });

  it('invalidateNotificationUrls drops the URLs and responses of the account’s merchants only', async () => {
    const cache = createCacheStore({ kind: 'memory' });
    const [a, b, outside] = ['1900000301', '1900000302', '1900000401'].map((merchantNo) => ({ provider: 'WECHAT_PAY' as const, merchantNo }));
    if (a === undefined || b === undefined || outside === undefined) throw new Error('three merchants');
    const before = new Map<string, string>();
    for (const merchant of [a, b, outside]) {
      await cache.set(cacheKeys.notificationUrl(merchant), 'https://gateway.test/webhooks/wechatpay/1900000300');
      before.set(merchant.merchantNo, await readGeneration(cache, cacheKeys.responseGeneration(merchant)));
    }
    await invalidateNotificationUrls(cache, [a, b]);
    for (const merchant of [a, b]) {
      expect(await cache.get(cacheKeys.notificationUrl(merchant))).toBeUndefined();
      expect(await readGeneration(cache, cacheKeys.responseGeneration(merchant))).not.toBe(before.get(merchant.merchantNo));
    }
    expect(await cache.get(cacheKeys.notificationUrl(outside))).toBeDefined();
    expect(await readGeneration(cache, cacheKeys.responseGeneration(outside))).toBe(before.get(outside.merchantNo));
  });

  it('makes a change the gateway did not make itself (a notification) visible on the next read', async () => {
    const { provider, key, id } = world();
    const harness = createHarness([provider]);
    await harness.run(LIST);
    await harness.run(DETAIL, { id });
    const calls = { ...provider.calls };
    // Cached: nothing goes upstream.
    await harness.run(LIST);
    await harness.run(DETAIL, { id });
    expect(provider.calls).toEqual(calls);

    // The user wrote again upstream; the webhook calls invalidateComplaint.
    provider.complaints[0]!.state = { value: 'PENDING', raw: 'PENDING' };
    provider.complaints[0]!.incomingUserResponse = true;
    await provider.reply('c1', { text: 'user wrote', imageMediaIds: [], jumpUrl: null, miniProgram: null });
    await invalidateComplaint(harness.cache, key);
    const detail = await harness.run(DETAIL, { id });
    expect(detail.data?.['complaint']).toEqual({ state: 'PROCESSING', negotiationHistory: { edges: [{ node: { details: 'user wrote' } }] } });
    const list = await harness.run(LIST);
    expect(list.data?.['complaints'].edges).toContainEqual({ node: { complaintId: 'c1', state: 'PROCESSING' } });
  });
});

const redis = await redisOrReason('shared-Redis invalidation tests');
const prefix = uniqueKeyPrefix('invalidation');

describe.skipIf('reason' in redis)('two gateway instances sharing the real Redis', () => {
  const stores: CacheStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  it("see each other's invalidations", async () => {
    const { provider, id } = world();
    const open = () => {
      // The sharing, not the timeout: a loaded CI machine may answer slowly.
      const store = createCacheStore({ kind: 'redis', url: REDIS_URL, keyPrefix: prefix, operationTimeoutMs: 5_000 });
      stores.push(store);
      return store;
    };
    // With whole responses cached too, shared by instances with one secret: their invalidation must
    // reach the other instance as well.
    const secret = createSecretKey(randomBytes(32));
    const a = createHarness([provider], { cache: open(), responseCacheTtlMs: 60_000, secret });
    const b = createHarness([provider], { cache: open(), responseCacheTtlMs: 60_000, secret });

    await a.run(LIST);
    await a.run(DETAIL, { id });
    const listCalls = provider.calls['listComplaints'];
    // B reads what A cached: no upstream call.
    const fromB = await b.run(LIST);
    expect(fromB.data?.['complaints'].edges).toContainEqual({ node: { complaintId: 'c1', state: 'PENDING' } });
    expect(provider.calls['listComplaints']).toBe(listCalls);

    expect((await b.run(REPLY, { id })).data?.['replyToComplaint']).toEqual({ __typename: 'ReplyToComplaintSuccess' });

    const list = await a.run(LIST);
    expect(list.data?.['complaints'].edges).toContainEqual({ node: { complaintId: 'c1', state: 'PROCESSING' } });
    expect((await b.run(LIST)).data).toEqual(list.data);
    const detail = await a.run(DETAIL, { id });
    expect(detail.data?.['complaint']).toEqual({ state: 'PROCESSING', negotiationHistory: { edges: [{ node: { details: 'on it' } }] } });
  });
});
