import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { defaultBuildResponseCacheKey } from '@envelop/response-cache';
import { describe, expect, it } from 'vitest';
import { readGeneration } from '../../../src/cache/generation.js';
import { invalidateComplaint } from '../../../src/cache/invalidation.js';
import { cacheKeys } from '../../../src/cache/keys.js';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { ProviderError } from '../../../src/domain/errors.js';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { TEST_ADMIN_TOKEN, testAccessTokens, testToken } from '../../helpers/access-tokens.js';
import { createFakeProvider, makeComplaint } from '../../helpers/fake-provider.js';
import { createHarness, type Harness } from './harness.js';

/* Whole responses reused, only for callers with the same grants, and never past an invalidation. */

const LIST = `{ complaints(first: 50, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { complaintId state merchant { merchantNo } } } } }`;
const REPLY = `mutation($id: ID!) { replyToComplaint(input: { complaintId: $id, text: "on it" }) { __typename } }`;

/** The memory store, counting reads of data keys (list pages, complaints): a response cache hit reads none. */
function countingStore(): { store: CacheStore; dataReads: () => number } {
  const store = createCacheStore({ kind: 'memory' });
  let reads = 0;
  return {
    store: {
      ...store,
      get: <T>(key: string) => {
        if (/^(list|complaint|history):/.test(key)) reads += 1;
        return store.get<T>(key);
      },
    },
    dataReads: () => reads,
  };
}

function setup() {
  const first = createFakeProvider({ merchantNo: '1900000001' });
  const second = createFakeProvider({ merchantNo: '1900000002' });
  first.add(makeComplaint({ ...first.merchant, complaintId: 'c1' }, '2026-11-02T09:30:00+08:00', { payerPhone: { kind: 'SEALED', sealed: 'sealed-phone' } }));
  second.add(makeComplaint({ ...second.merchant, complaintId: 'c2' }, '2026-11-03T09:30:00+08:00'));
  const counting = countingStore();
  const harness = createHarness([first, second], {
    cache: counting.store,
    responseCacheTtlMs: 60_000,
    accessTokens: testAccessTokens([
      testToken('first-only', ['complaints:read', 'complaints:write', 'pii:read'], [{ merchantNo: '1900000001' }]),
      testToken('second-only', ['complaints:read', 'complaints:write', 'pii:read'], [{ merchantNo: '1900000002' }]),
    ]),
  });
  return { first, second, harness, dataReads: counting.dataReads };
}

/** One POST as `token`, with the raw response (status, ETag) rather than the parsed body. */
function post(harness: Harness, token: string, headers: Record<string, string> = {}, query = LIST): Promise<Response> {
  return Promise.resolve(
    harness.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query }),
    }),
  );
}

/** The rows of LIST as the response carries them (a 304 has none). */
async function rows(response: Response): Promise<unknown> {
  return ((await response.json()) as { data: { complaints: { edges: unknown[] } } }).data.complaints.edges;
}

describe('response cache', () => {
  it('serves a repeated query from one response, without reading the data again', async () => {
    const { harness, dataReads } = setup();
    const once = await harness.run(LIST);
    const reads = dataReads();
    expect(reads).toBeGreaterThan(0);
    expect(await harness.run(LIST)).toEqual(once);
    expect(dataReads()).toBe(reads);
  });

  it('never hands one caller’s response to a caller with other grants', async () => {
    const { harness } = setup();
    const all = await harness.run(LIST);
    expect(all.data?.['complaints'].edges).toHaveLength(2);
    const own = await harness.run(LIST, undefined, 'first-only');
    expect(own.data?.['complaints'].edges).toEqual([{ node: { complaintId: 'c1', state: 'PENDING', merchant: { merchantNo: '1900000001' } } }]);
  });

  it('drops the written merchant’s responses on a write: the next read shows the new state', async () => {
    const { first, harness } = setup();
    await harness.run(LIST);
    const id = complaintGlobalId({ ...first.merchant, complaintId: 'c1' });
    expect((await harness.run(REPLY, { id })).data?.['replyToComplaint']).toEqual({ __typename: 'ReplyToComplaintSuccess' });
    const after = await harness.run(LIST);
    expect(after.data?.['complaints'].edges).toContainEqual({ node: { complaintId: 'c1', state: 'PROCESSING', merchant: { merchantNo: '1900000001' } } });
  });

  it('keeps no response holding a payer phone', async () => {
    const { first, harness, dataReads } = setup();
    const query = `query($id: ID!) { complaint(id: $id) { payerPhone } }`;
    const id = complaintGlobalId({ ...first.merchant, complaintId: 'c1' });
    await harness.run(query, { id });
    const reads = dataReads();
    expect((await harness.run(query, { id })).data).toEqual({ complaint: { payerPhone: '13800000000' } });
    expect(dataReads()).toBeGreaterThan(reads);
  });

  it('keeps no response that misses a failed provider: the next read has every merchant again', async () => {
    const { second, harness } = setup();
    second.failure = new ProviderError('WeChat Pay is down', { provider: 'WECHAT_PAY', providerCode: 'SYSTEM_ERROR', httpStatus: 503, retryable: true });
    const partial = await harness.run(LIST);
    second.failure = null;
    expect(partial.errors?.[0]?.extensions?.['provider']).toBe('WECHAT_PAY');
    expect(partial.data?.['complaints'].edges).toHaveLength(1);
    const full = await harness.run(LIST);
    expect(full.errors).toBeUndefined();
    expect(full.data?.['complaints'].edges).toHaveLength(2);
  });

  it('keeps the cached responses of a tenant who cannot see the changed merchant', async () => {
    const { first, second, harness, dataReads } = setup();
    const ownFirst = await post(harness, 'first-only');
    const firstTag = ownFirst.headers.get('etag');
    expect(firstTag).not.toBeNull();
    await harness.run(LIST, undefined, 'second-only');
    await harness.run(LIST);
    const reads = dataReads();
    const calls = first.calls['listComplaints'];

    // A change of the second merchant (a write or a notification: both call invalidateComplaint).
    await invalidateComplaint(harness.cache, { ...second.merchant, complaintId: 'c2' });

    // The first merchant's tenant: the same cached response, no data read, no upstream call.
    const again = await post(harness, 'first-only', { 'if-none-match': firstTag ?? '' });
    expect(again.status).toBe(304);
    expect((await post(harness, 'first-only')).headers.get('etag')).toBe(firstTag);
    expect(dataReads()).toBe(reads);
    expect(first.calls['listComplaints']).toBe(calls);
    // Whoever may see the second merchant builds the response again.
    await harness.run(LIST, undefined, 'second-only');
    expect(dataReads()).toBeGreaterThan(reads);
    const afterSecond = dataReads();
    await harness.run(LIST);
    expect(dataReads()).toBeGreaterThan(afterSecond);
  });
});

describe('response cache ETags', () => {
  it('answer a caller’s own repeat with 304 and the same ETag', async () => {
    const { harness } = setup();
    const first = await post(harness, 'first-only');
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^[\w-]{43}$/);
    const repeat = await post(harness, 'first-only', { 'if-none-match': tag ?? '' });
    expect(repeat.status).toBe(304);
    expect(repeat.headers.get('etag')).toBe(tag);
    // Served from the cache without a condition: the full body, the same ETag.
    const plain = await post(harness, 'first-only');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('etag')).toBe(tag);
    expect(await rows(plain)).toEqual(await rows(first));
  });

  it('never answer 304 to a caller presenting another caller’s ETag', async () => {
    const { harness } = setup();
    const tagOfB = (await post(harness, 'first-only')).headers.get('etag') ?? '';
    await post(harness, TEST_ADMIN_TOKEN);
    // A has its own response cached too, and B's entry is in the cache: still no 304, A's own data.
    const probe = await post(harness, TEST_ADMIN_TOKEN, { 'if-none-match': tagOfB });
    expect(probe.status).toBe(200);
    expect(await rows(probe)).toHaveLength(2);
    expect(probe.headers.get('etag')).not.toBe(tagOfB);
    // Nor for another query of B's own grants.
    const other = await post(harness, 'first-only', { 'if-none-match': tagOfB }, `{ merchants { merchantNo } }`);
    expect(other.status).toBe(200);
  });

  it('cannot be computed from public inputs: no 304 for a key built without the secret', async () => {
    const { first, harness } = setup();
    const tagOfB = (await post(harness, 'first-only')).headers.get('etag') ?? '';
    // What an attacker can compute: the plugin's default key over B's query and grants, alone, under
    // B's merchant's real generation (the old key shape), or HMAC'd with a key of its own.
    const session = JSON.stringify([['complaints:read', 'complaints:write', 'pii:read'], ['*:1900000001']]);
    const publicKey = await defaultBuildResponseCacheKey({ documentString: LIST, variableValues: {}, operationName: null, sessionId: session });
    const generation = await readGeneration(harness.cache, cacheKeys.responseGeneration(first.merchant));
    const guesses = [
      publicKey,
      `${generation}:${publicKey}`,
      createHmac('sha256', createSecretKey(randomBytes(32)))
        .update(JSON.stringify([[generation], publicKey]))
        .digest('base64url'),
    ];
    for (const guess of guesses) {
      expect(guess).not.toBe(tagOfB);
      for (const token of [TEST_ADMIN_TOKEN, 'first-only']) {
        expect((await post(harness, token, { 'if-none-match': guess })).status).toBe(200);
      }
    }
  });
});
