import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/* The gateway over both sandboxes: one merged list, Huishouqian's console, and one provider down. */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
const today = beijingToday(new Date());
const RANGE = { from: addDays(today, -119), to: today };

interface Node {
  id: string;
  provider: string;
  complaintId: string;
  complainedAt: string;
  state: string;
}

interface ComplaintPage {
  complaints: { edges: { node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const PAGE = `query($first: Int, $after: String, $filter: ComplaintFilterInput) {
  complaints(first: $first, after: $after, filter: $filter) {
    edges { node { id provider complaintId complainedAt state } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function everyComplaint(filter: Record<string, unknown>, first: number): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (let page = 0; page < 200; page++) {
    const variables: Record<string, unknown> = { first, after, filter };
    const { body } = await gateway.graphql<ComplaintPage>(PAGE, variables);
    expect(body.errors).toBeUndefined();
    const connection = body.data?.complaints;
    nodes.push(...(connection?.edges.map((edge) => edge.node) ?? []));
    if (!connection?.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
  gateway = await startGateway(sandboxes);
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('the gateway over WeChat Pay and Huishouqian', () => {
  it('lists both providers’ merchants with what each supports', async () => {
    const { body } = await gateway.graphql<{ merchants: { provider: string; capabilities: string[] }[] }>('{ merchants { provider merchantNo capabilities } }');
    const merchants = body.data?.merchants ?? [];
    expect(new Set(merchants.map((m) => m.provider))).toEqual(new Set(['WECHAT_PAY', 'HUISHOUQIAN']));
    for (const m of merchants.filter((x) => x.provider === 'HUISHOUQIAN')) {
      expect(m.capabilities).toContain('REPLY');
      expect(m.capabilities).not.toContain('REFUND_PROGRESS');
      expect(m.capabilities).not.toContain('IMMEDIATE_REPLY');
    }
  });

  it('pages 120 days across both providers newest first, without duplicates or gaps', async () => {
    const merged = await everyComplaint(RANGE, 37);
    const ids = merged.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(merged.map((n) => n.provider))).toEqual(new Set(['WECHAT_PAY', 'HUISHOUQIAN']));
    const times = merged.map((n) => Date.parse(n.complainedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Ground truth per provider, through the same API with the provider filter: the union must match.
    const perProvider = [
      ...(await everyComplaint({ ...RANGE, providers: ['WECHAT_PAY'] }, 100)),
      ...(await everyComplaint({ ...RANGE, providers: ['HUISHOUQIAN'] }, 100)),
    ];
    expect(new Set(ids)).toEqual(new Set(perProvider.map((n) => n.id)));
  });

  it('serves a Huishouqian complaint’s detail and history, and a reply shows PROCESSING right after', async () => {
    const pending = (await everyComplaint({ ...RANGE, providers: ['HUISHOUQIAN'], states: ['PENDING'] }, 100))[0];
    if (!pending) throw new Error('no pending Huishouqian complaint');
    const reply = await gateway.graphql<{ replyToComplaint: { __typename: string } }>(
      `mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename ... on Error { code message } } }`,
      { input: { complaintId: pending.id, text: '您好，已为您安排退款。' } },
    );
    expect(reply.body.data?.replyToComplaint.__typename).toBe('ReplyToComplaintSuccess');
    const detail = await gateway.graphql<{
      complaint: { state: string; payerPhone: string | null; negotiationHistory: { edges: { node: { operateType: string } }[] } };
    }>(`query($id: ID!) { complaint(id: $id) { state payerPhone negotiationHistory(first: 20) { edges { node { operateType } } } } }`, { id: pending.id });
    expect(detail.body.data?.complaint.state).toBe('PROCESSING');
    expect(detail.body.data?.complaint.payerPhone).toMatch(/^1\d{10}$/);
    expect(detail.body.data?.complaint.negotiationHistory.edges.map((e) => e.node.operateType)).toContain('MERCHANT_RESPONSE');
  });

  it('finds a Huishouqian order with one merchantTradeNo lookup per merchant, the same complaints a scan finds, and none for a foreign merchant', async () => {
    interface TradeNode {
      id: string;
      state: string;
      merchant: { id: string; merchantNo: string };
      orders: { outTradeNo: string }[];
    }
    const query = `query($first: Int, $after: String, $filter: ComplaintFilterInput) {
      complaints(first: $first, after: $after, filter: $filter) {
        edges { node { id state merchant { id merchantNo } orders { outTradeNo } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const read = async (filter: Record<string, unknown>): Promise<TradeNode[]> => {
      const nodes: TradeNode[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const variables: Record<string, unknown> = { first: 100, after, filter };
        const { body } = await gateway.graphql<{
          complaints: { edges: { node: TradeNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        }>(query, variables);
        expect(body.errors).toBeUndefined();
        const connection = body.data?.complaints;
        nodes.push(...(connection?.edges.map((edge) => edge.node) ?? []));
        if (!connection?.pageInfo.hasNextPage) return nodes;
        after = connection.pageInfo.endCursor;
      }
      throw new Error('paging did not end');
    };
    const scanned = await read({ ...RANGE, providers: ['HUISHOUQIAN'] });
    const target = scanned[0];
    const outTradeNo = target?.orders[0]?.outTradeNo;
    if (target === undefined || outTradeNo === undefined) throw new Error('no Huishouqian complaint with an order');
    const merchantIds = [...new Set(scanned.map((n) => n.merchant.id))];
    expect(merchantIds.length).toBeGreaterThan(1);
    // The scan's answer, filtered here: what the lookup must return exactly.
    const expected = scanned.filter((n) => n.orders.some((o) => o.outTradeNo === outTradeNo)).map((n) => n.id);

    const stats = () => sandboxes.huishouqian.stats();
    sandboxes.huishouqian.resetStats();
    const found = await read({ ...RANGE, providers: ['HUISHOUQIAN'], outTradeNo });
    expect(found.map((n) => n.id)).toEqual(expected);
    // One call per Huishouqian merchant, each by merchantTradeNo: no windows paged.
    expect(stats()).toMatchObject({ queryComplaints: merchantIds.length, queryComplaintsByMerchantTradeNo: merchantIds.length });

    // Across both providers: WeChat Pay still scans, the Huishouqian complaint is still there once.
    expect((await read({ ...RANGE, outTradeNo })).map((n) => n.id)).toEqual(expected);

    sandboxes.huishouqian.resetStats();
    const foreign = merchantIds.find((id) => id !== target.merchant.id);
    expect(await read({ ...RANGE, merchantIds: [foreign], outTradeNo })).toEqual([]);
    expect(stats()).toMatchObject({ queryComplaints: 1, queryComplaintsByMerchantTradeNo: 1 });

    // The state and date filters still apply to what the lookup returns.
    const otherStates = ['PENDING', 'PROCESSING', 'PROCESSED'].filter((state) => state !== target.state);
    expect(await read({ ...RANGE, merchantIds: [target.merchant.id], outTradeNo, states: otherStates })).toEqual([]);
    expect((await read({ ...RANGE, merchantIds: [target.merchant.id], outTradeNo, states: [target.state] })).map((n) => n.id)).toEqual([target.id]);
    expect(await read({ from: addDays(today, -300), to: addDays(today, -200), merchantIds: [target.merchant.id], outTradeNo })).toEqual([]);
  });

  it('keeps a history page whose entry has a time in a format Huishouqian does not document: that entry shows the raw time', async () => {
    const post = async (path: string, body: unknown): Promise<Record<string, string>> =>
      (await (
        await fetch(`${sandboxes.huishouqian.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      ).json()) as Record<string, string>;
    const merchantNo = sandboxes.keys.huishouqian?.merchants[0]?.merchantNo ?? '';
    const { complaintId = '' } = await post('/sandbox/complaints', { merchantNo });
    await post(`/sandbox/complaints/${complaintId}/user-messages`, { content: '还没退款', operateTime: '2026/12/01 10:15' });
    const { body } = await gateway.graphql<{
      complaint: { negotiationHistory: { edges: { node: { operatedAt: string | null; operatedAtRaw: string; details: string | null } }[] } };
    }>('query($id: ID!) { complaint(id: $id) { negotiationHistory(first: 10) { edges { node { operatedAt operatedAtRaw details } } } } }', {
      id: complaintGlobalId({ provider: 'HUISHOUQIAN', merchantNo, complaintId }),
    });
    expect(body.errors).toBeUndefined();
    const nodes = body.data?.complaint.negotiationHistory.edges.map((edge) => edge.node) ?? [];
    expect(nodes).toHaveLength(2);
    expect(nodes[0]?.operatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(nodes[1]).toEqual({ operatedAt: null, operatedAtRaw: '2026/12/01 10:15', details: '还没退款' });
  });

  it('answers what Huishouqian cannot do with UnsupportedError naming the capability', async () => {
    const any = (await everyComplaint({ ...RANGE, providers: ['HUISHOUQIAN'] }, 100))[0];
    if (!any) throw new Error('no Huishouqian complaint');
    const refund = await gateway.graphql<{ updateRefundProgress: { __typename: string; capability?: string; provider?: string } }>(
      `mutation($input: UpdateRefundProgressInput!) { updateRefundProgress(input: $input) { __typename ... on UnsupportedError { capability provider } } }`,
      { input: { complaintId: any.id, decision: { approve: { launchRefundDay: 0 } } } },
    );
    expect(refund.body.data?.updateRefundProgress).toEqual({ __typename: 'UnsupportedError', capability: 'REFUND_PROGRESS', provider: 'HUISHOUQIAN' });
    const immediate = await gateway.graphql<{ replyImmediately: { __typename: string; capability?: string } }>(
      `mutation($input: ReplyImmediatelyInput!) { replyImmediately(input: $input) { __typename ... on UnsupportedError { capability } } }`,
      { input: { complaintId: any.id, idempotencyKey: 'k-1', message: { blocks: [{ text: { text: '你好' } }] } } },
    );
    expect(immediate.body.data?.replyImmediately).toEqual({ __typename: 'UnsupportedError', capability: 'IMMEDIATE_REPLY' });
  });

  it('still returns WeChat Pay complaints when Huishouqian is down, naming the provider that failed', async () => {
    await fetch(`${sandboxes.huishouqian.baseUrl}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'drop', durationMs: 60_000 }),
    });
    try {
      // A range no earlier test cached, so every source is asked afresh.
      const { body } = await gateway.graphql<{ complaints: { edges: { node: Node }[] } }>(PAGE, {
        first: 50,
        filter: { from: addDays(today, -200), to: addDays(today, -150) },
      });
      const { body: recent } = await gateway.graphql<{ complaints: { edges: { node: Node }[] } }>(PAGE, {
        first: 50,
        filter: { from: addDays(today, -9), to: addDays(today, -3) },
      });
      for (const result of [body, recent]) {
        expect(result.errors?.some((e) => e.extensions?.['provider'] === 'HUISHOUQIAN')).toBe(true);
        expect(result.errors?.some((e) => e.extensions?.['provider'] === 'WECHAT_PAY')).toBe(false);
      }
      const providers = new Set(recent.data?.complaints.edges.map((edge) => edge.node.provider));
      expect(providers).toEqual(new Set(['WECHAT_PAY']));
    } finally {
      await fetch(`${sandboxes.huishouqian.baseUrl}/sandbox/reset`, { method: 'POST' });
    }
  });
});
