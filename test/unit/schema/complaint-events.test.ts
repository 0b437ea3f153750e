import { describe, expect, it } from 'vitest';
import type { ComplaintEvent } from '../../../src/domain/events.js';
import { merchantGlobalId } from '../../helpers/global-ids.js';
import { createFakeProvider, makeComplaint } from '../../helpers/fake-provider.js';
import { createHarness } from './harness.js';

const FEED = `query($first: Int, $after: String, $merchantIds: [ID!]) {
  complaintEvents(first: $first, after: $after, merchantIds: $merchantIds) {
    edges { cursor node { notificationId actionType provider complaintId receivedAt merchant { merchantNo } complaint { state } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function event(merchantNo: string, n: number): ComplaintEvent {
  return {
    notificationId: `N-${merchantNo}-${n}`,
    complaint: { provider: 'WECHAT_PAY', merchantNo, complaintId: `c${n}` },
    actionType: n % 2 === 0 ? 'CREATE_COMPLAINT' : 'USER_RESPONSE',
    providerTime: '2026-11-20T10:00:00+08:00',
    receivedAt: new Date(Date.UTC(2026, 10, 20, 2, 0, n)).toISOString(),
  };
}

function setup() {
  const a = createFakeProvider({ merchantNo: '1900000001' });
  const b = createFakeProvider({ merchantNo: '1900000002' });
  for (const provider of [a, b]) {
    for (let n = 0; n < 7; n++) provider.add(makeComplaint({ ...provider.merchant, complaintId: `c${n}` }, '2026-11-20T10:00:00+08:00'));
  }
  return { a, b, harness: createHarness([a, b]) };
}

describe('complaintEvents', () => {
  it('pages the feed in arrival order, each event exactly once, resuming from a cursor', async () => {
    const { harness } = setup();
    const appended = Array.from({ length: 7 }, (_, n) => event(n % 2 === 0 ? '1900000001' : '1900000002', n));
    await harness.eventLog.append(appended);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result = await harness.run(FEED, { first: 3, after });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      const connection = result.data?.['complaintEvents'];
      seen.push(...connection.edges.map((edge: { node: { notificationId: string } }) => edge.node.notificationId));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(appended.map((e) => e.notificationId));
  });

  it('links each event to the complaint as it is now, and filters by merchant', async () => {
    const { a, harness } = setup();
    await harness.eventLog.append([event('1900000001', 0), event('1900000002', 1), event('1900000001', 2)]);
    const result = await harness.run(FEED, { first: 10, merchantIds: [merchantGlobalId(a.merchant)] });
    const nodes = result.data?.['complaintEvents'].edges.map((edge: { node: unknown }) => edge.node);
    expect(nodes).toHaveLength(2);
    expect(nodes[0]).toMatchObject({ provider: 'WECHAT_PAY', complaintId: 'c0', merchant: { merchantNo: '1900000001' }, complaint: { state: 'PENDING' } });
  });

  it('answers a cursor older than the retention with EVENT_CURSOR_EXPIRED, and serves the oldest event kept without after', async () => {
    const { harness } = setup();
    const stale = (n: number): ComplaintEvent => ({ ...event('1900000001', n), receivedAt: '2026-01-01T00:00:00.000Z' });
    await harness.eventLog.append([stale(0), stale(1), event('1900000001', 2), event('1900000002', 3)]);
    const firstPage = await harness.run(FEED, { first: 1 });
    const cursor: string = firstPage.data?.['complaintEvents'].pageInfo.endCursor;
    // Default retention, 90 days: the two January events go.
    expect(await harness.eventLog.prune(new Date('2026-11-20T00:00:00.000Z'))).toEqual({ removed: 2 });

    const expired = await harness.run(FEED, { first: 5, after: cursor });
    expect(expired.data?.['complaintEvents'] ?? null).toBeNull();
    expect(expired.errors).toEqual([
      expect.objectContaining({
        path: ['complaintEvents'],
        message: expect.stringContaining('restart without `after`, from the oldest event'),
        extensions: { code: 'EVENT_CURSOR_EXPIRED' },
      }),
    ]);
    const restarted = await harness.run(FEED, { first: 5 });
    expect(restarted.data?.['complaintEvents'].edges.map((edge: { node: { notificationId: string } }) => edge.node.notificationId)).toEqual([
      'N-1900000001-2',
      'N-1900000002-3',
    ]);
  });

  it('refuses a malformed cursor, an unknown merchant and first over 100 with typed errors', async () => {
    const { harness } = setup();
    for (const variables of [
      { first: 5, after: 'not-a-cursor' },
      { first: 5, merchantIds: [merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: '1999999999' })] },
      { first: 101 },
    ]) {
      const result = await harness.run(FEED, variables);
      expect(result.errors?.[0]?.extensions?.['code']).toMatch(/VALIDATION_ERROR|NOT_FOUND/);
    }
  });
});
