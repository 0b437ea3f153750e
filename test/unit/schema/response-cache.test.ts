import { describe, expect, it } from 'vitest';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { ProviderError } from '../../../src/domain/errors.js';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { testAccessTokens, testToken } from '../../helpers/access-tokens.js';
import { createFakeProvider, makeComplaint } from '../../helpers/fake-provider.js';
import { createHarness } from './harness.js';

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
  first.add(makeComplaint({ ...first.merchant, complaintId: 'c1' }, '2026-11-02T09:30:00+08:00', { payerPhone: { kind: 'PLAIN', value: '13800000000' } }));
  second.add(makeComplaint({ ...second.merchant, complaintId: 'c2' }, '2026-11-03T09:30:00+08:00'));
  const counting = countingStore();
  const harness = createHarness([first, second], {
    cache: counting.store,
    responseCacheTtlMs: 60_000,
    accessTokens: testAccessTokens([testToken('first-only', ['complaints:read', 'complaints:write', 'pii:read'], [{ merchantNo: '1900000001' }])]),
  });
  return { first, second, harness, dataReads: counting.dataReads };
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

  it('drops every response on a write: the next read shows the new state', async () => {
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
});
