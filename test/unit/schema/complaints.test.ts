import { describe, expect, it } from 'vitest';
import { complaintKeyToString } from '../../../src/domain/complaint-key.js';
import { ProviderError } from '../../../src/domain/errors.js';
import { addDays } from '../../../src/domain/local-date.js';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { merchantGlobalId } from '../../helpers/global-ids.js';
import { createFakeProvider, makeComplaint, type FakeProvider } from '../../helpers/fake-provider.js';
import { createHarness, type Harness } from './harness.js';

const PAGE = /* GraphQL */ `
  query Page($filter: ComplaintFilterInput, $first: Int, $after: String) {
    complaints(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id complaintId provider complainedAt state } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Three merchants on two providers, complaints spread over 120 days with equal-time ties across sources. */
function seed(): FakeProvider[] {
  const wechatA = createFakeProvider({ merchantNo: '1900000001' });
  const wechatB = createFakeProvider({ merchantNo: '1900000002', limits: { maxListPageSize: 7 } });
  const hsq = createFakeProvider({ provider: 'HUISHOUQIAN', merchantNo: 'H100', limits: { maxWindowDays: 45, maxListPageSize: 4 } });
  const sources = [wechatA, wechatB, hsq];
  for (let day = 0; day < 120; day++) {
    const date = addDays('2026-07-24', day);
    sources.forEach((source, index) => {
      if ((day + index) % 3 === 0) return;
      // The same second on two sources on every fifth day, and twice on one source: ties everywhere.
      const time = day % 5 === 0 ? '10:00:00' : `1${index}:0${day % 6}:00`;
      source.add(makeComplaint({ ...source.merchant, complaintId: `c${day}x${index}` }, `${date}T${time}+08:00`));
      if (day % 7 === 0) source.add(makeComplaint({ ...source.merchant, complaintId: `d${day}x${index}` }, `${date}T${time}+08:00`));
    });
  }
  return sources;
}

/**
 * The feed is newest first; complaints of the same second come in an order that depends on the
 * providers (the keyset makes paging exact whatever it is). So: compare times in order, keys as sets.
 */
function expectSameFeed(sources: FakeProvider[], actual: string[], expected: string[]): void {
  const time = new Map(sources.flatMap((s) => s.complaints).map((c) => [complaintKeyToString(c.key), Date.parse(c.complainedAt)]));
  expect(new Set(actual).size).toBe(actual.length);
  expect(actual.map((key) => time.get(key))).toEqual(expected.map((key) => time.get(key)));
  expect([...actual].sort()).toEqual([...expected].sort());
}

function expectedOrder(sources: FakeProvider[]): string[] {
  return sources
    .flatMap((source) => source.complaints)
    .map((c) => ({ t: Date.parse(c.complainedAt), k: complaintKeyToString(c.key) }))
    .sort((a, b) => b.t - a.t || (a.k < b.k ? -1 : 1))
    .map((c) => c.k);
}

async function readAll(harness: Harness, first: number, variables: Record<string, unknown> = {}, between?: () => Promise<void>) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 500; page++) {
    const result = await harness.run(PAGE, { ...variables, first, after });
    expect(result.errors).toBeUndefined();
    const connection = result.data?.['complaints'];
    for (const edge of connection.edges) seen.push(Buffer.from(edge.node.id, 'base64url').toString().slice('Complaint:'.length));
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
    await between?.();
  }
  throw new Error('paging did not end');
}

const RANGE = { from: '2026-07-24', to: '2026-11-20' };

describe('complaints: merged newest-first paging', () => {
  it('pages through 120 days of three merchants on two providers without duplicates or gaps, in order', async () => {
    const sources = seed();
    const harness = createHarness(sources);
    for (const first of [1, 7, 100]) {
      const seen = await readAll(harness, first, { filter: RANGE });
      expectSameFeed(sources, seen, expectedOrder(sources));
    }
  });

  it('neither repeats nor skips when new complaints arrive between pages', async () => {
    const sources = seed();
    const harness = createHarness(sources);
    const before = expectedOrder(sources);
    let added = 0;
    const seen = await readAll(harness, 9, { filter: RANGE }, () => {
      // Newer than everything read so far: shifts every provider offset by one.
      const source = sources[added % 3] as FakeProvider;
      source.add(makeComplaint({ ...source.merchant, complaintId: `new${added}` }, '2026-11-20T11:00:00+08:00'));
      added += 1;
      return harness.cache.clear();
    });
    expect(added).toBeGreaterThan(5);
    expectSameFeed(sources, seen, before);
  });

  it('filters by merchant, provider, state and outTradeNo, and looks up a complaintId directly', async () => {
    const sources = seed();
    const [wechatA, , hsq] = sources as [FakeProvider, FakeProvider, FakeProvider];
    (wechatA.complaints[3] as { state: unknown }).state = { value: 'PROCESSED', raw: 'PROCESSED' };
    const harness = createHarness(sources);

    const onlyHsq = await readAll(harness, 50, { filter: { ...RANGE, providers: ['HUISHOUQIAN'] } });
    expectSameFeed(sources, onlyHsq, expectedOrder([hsq]));
    const onlyA = await readAll(harness, 50, { filter: { ...RANGE, merchantIds: [merchantGlobalId(wechatA.merchant)] } });
    expectSameFeed(sources, onlyA, expectedOrder([wechatA]));
    const processed = await readAll(harness, 50, { filter: { ...RANGE, states: ['PROCESSED'] } });
    expect(processed).toEqual([complaintKeyToString(wechatA.complaints[3]!.key)]);

    const target = hsq.complaints[10];
    const byOrder = await readAll(harness, 50, { filter: { ...RANGE, outTradeNo: target?.orders[0]?.outTradeNo } });
    expect(byOrder).toEqual([complaintKeyToString(target!.key)]);
    const listCalls = hsq.calls['listComplaints'];
    const byId = await readAll(harness, 50, { filter: { ...RANGE, complaintId: target!.key.complaintId } });
    expect(byId).toEqual([complaintKeyToString(target!.key)]);
    expect(hsq.calls['listComplaints']).toBe(listCalls);
  });

  it('defaults to the last 30 days and rejects absurd ranges, page sizes and foreign cursors with typed errors', async () => {
    const sources = seed();
    const harness = createHarness(sources);
    const recent = await readAll(harness, 100);
    const cutoff = Date.parse('2026-10-22T00:00:00+08:00');
    expectSameFeed(
      sources,
      recent,
      expectedOrder(sources).filter((key) => {
        const complaint = sources.flatMap((s) => s.complaints).find((c) => complaintKeyToString(c.key) === key);
        return Date.parse(complaint!.complainedAt) >= cutoff;
      }),
    );

    const cases: [Record<string, unknown>, string][] = [
      [{ filter: { from: '2020-01-01', to: '2026-11-20' } }, 'filter.from'],
      [{ filter: { from: '2026-11-10', to: '2026-11-01' } }, 'filter.from'],
      [{ filter: { to: '2099-01-01' } }, 'filter.to'],
      [{ first: 101 }, 'first'],
      [{ first: 0 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ after: Buffer.from('{"f":1}').toString('base64url') }, 'after'],
    ];
    for (const [variables, field] of cases) {
      const result = await harness.run(PAGE, variables);
      expect(result.data?.['complaints'] ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }

    const first = await harness.run(PAGE, { first: 2, filter: RANGE });
    const cursor = first.data?.['complaints'].pageInfo.endCursor as string;
    const other = await harness.run(PAGE, { first: 2, after: cursor, filter: { ...RANGE, providers: ['WECHAT_PAY'] } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field: 'after' });
  });

  it("returns the other merchants' complaints when one fails, with an error naming the provider", async () => {
    const sources = seed();
    const [wechatA, wechatB, hsq] = sources as [FakeProvider, FakeProvider, FakeProvider];
    hsq.failure = new ProviderError('Huishouqian is down', { provider: 'HUISHOUQIAN', providerCode: 'SYSTEM_ERROR', httpStatus: 503, retryable: true });
    const harness = createHarness(sources);
    const result = await harness.run(PAGE, { first: 100, filter: RANGE });
    const keys = result.data?.['complaints'].edges.map((edge: { node: { id: string } }) => Buffer.from(edge.node.id, 'base64url').toString().slice(10));
    expect(keys).toHaveLength(100);
    expectSameFeed(sources, keys, expectedOrder([wechatA, wechatB]).slice(0, 100));
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      path: ['complaints'],
      extensions: { code: 'PROVIDER_ERROR', provider: 'HUISHOUQIAN', merchantNo: 'H100', providerCode: 'SYSTEM_ERROR', httpStatus: 503 },
    });
  });

  it('masks unexpected failures of one source but still names it', async () => {
    const sources = seed();
    (sources[0] as FakeProvider).failure = new TypeError('secret internals at /etc/keys');
    const harness = createHarness(sources);
    const result = await harness.run(PAGE, { first: 5, filter: RANGE });
    expect(result.data?.['complaints'].edges).toHaveLength(5);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', provider: 'WECHAT_PAY', merchantNo: '1900000001' });
    expect(JSON.stringify(result)).not.toContain('secret internals');
  });
});

describe('complaint(id) and node(id)', () => {
  it('answers forged, garbled and foreign ids with a typed error, never a crash', async () => {
    const sources = seed();
    const harness = createHarness(sources);
    const bad = [
      'garbage!!',
      Buffer.from('Complaint:WECHAT_PAY:1900000001').toString('base64url'),
      Buffer.from('Complaint:PAYPAL:1:2').toString('base64url'),
      Buffer.from('Secret:WECHAT_PAY:1900000001:c1x1').toString('base64url'),
      merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: '1900000001' }),
      `${complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: '1900000001', complaintId: 'c1x1' })}==`,
    ];
    for (const id of bad) {
      const result = await harness.run(`query($id: ID!) { complaint(id: $id) { id } }`, { id });
      expect(result.data?.['complaint']).toBeNull();
      expect(result.errors?.[0]?.extensions?.['code']).toBe('VALIDATION_ERROR');
    }
    const node = await harness.run(`query($id: ID!) { node(id: $id) { id } }`, { id: 'garbage!!' });
    expect(node.data?.['node']).toBeNull();
    expect(node.errors?.[0]?.extensions?.['code']).toBe('VALIDATION_ERROR');
  });

  it('resolves both node types and returns null for an unknown complaint', async () => {
    const sources = seed();
    const harness = createHarness(sources);
    const complaint = (sources[2] as FakeProvider).complaints[0]!;
    const merchant = (sources[0] as FakeProvider).merchant;
    const result = await harness.run(
      `query($c: ID!, $m: ID!, $missing: ID!) {
        c: node(id: $c) { __typename ... on Complaint { complaintId provider merchant { merchantNo } } }
        m: node(id: $m) { __typename ... on Merchant { merchantNo name capabilities } }
        missing: complaint(id: $missing) { id }
      }`,
      {
        c: complaintGlobalId(complaint.key),
        m: merchantGlobalId(merchant),
        missing: complaintGlobalId({ ...complaint.key, complaintId: 'nope' }),
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      c: { __typename: 'Complaint', complaintId: complaint.key.complaintId, provider: 'HUISHOUQIAN', merchant: { merchantNo: 'H100' } },
      m: { __typename: 'Merchant', merchantNo: '1900000001', name: 'Merchant 1900000001', capabilities: expect.arrayContaining(['REPLY']) },
      missing: null,
    });
  });
});
