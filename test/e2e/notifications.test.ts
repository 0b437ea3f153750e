import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * sandbox → signed, encrypted notification → gateway webhook (verify, decrypt, dedupe) → event log
 * → complaintEvents, for both providers, over real HTTP.
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

const FEED = `query($after: String) {
  complaintEvents(first: 50, after: $after) {
    edges { cursor node { notificationId provider actionType complaintId complaint { state detail incomingUserResponse } } }
    pageInfo { endCursor }
  }
}`;

interface FeedNode {
  notificationId: string;
  provider: string;
  actionType: string;
  complaintId: string;
  complaint: { state: string; detail: string; incomingUserResponse: boolean } | null;
}

async function post(url: string, body: unknown, method = 'POST'): Promise<Record<string, string>> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, string>;
}

async function feed(after: string | null = null): Promise<{ nodes: FeedNode[]; endCursor: string | null }> {
  const { body } = await gateway.graphql<{ complaintEvents: { edges: { node: FeedNode }[]; pageInfo: { endCursor: string | null } } }>(FEED, { after });
  expect(body.errors).toBeUndefined();
  const connection = body.data?.complaintEvents;
  return { nodes: connection?.edges.map((edge) => edge.node) ?? [], endCursor: connection?.pageInfo.endCursor ?? null };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return read();
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ notificationTimeScale: 0.001 });
  gateway = await startGateway(sandboxes);
  const wechat = sandboxes.keys.wechatpay?.merchants.find((m) => m.kind === 'direct');
  if (!wechat) throw new Error('no direct WeChat Pay merchant');
  // As a merchant would: register the webhook through the GraphQL mutation (the real notification-URL API).
  const merchants = await gateway.graphql<{ merchants: { id: string; merchantNo: string }[] }>('{ merchants { id merchantNo } }');
  const merchantId = merchants.body.data?.merchants.find((m) => m.merchantNo === wechat.mchid)?.id;
  const created = await gateway.graphql(
    `mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename ... on Error { code message } } }`,
    { input: { merchantId, url: `${gateway.url}/webhooks/wechatpay/${wechat.mchid}` } },
  );
  expect(created.body.data).toEqual({ createNotificationUrl: { __typename: 'CreateNotificationUrlSuccess' } });
  const hsqAccount = sandboxes.keys.huishouqian?.agentMerchantNo;
  await post(`${sandboxes.huishouqian.baseUrl}/sandbox/notification-url`, { url: `${gateway.url}/webhooks/huishouqian/${hsqAccount}` }, 'PUT');
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('notifications end to end', () => {
  it('turns complaints filed at both sandboxes into feed events linked to the fresh complaint', async () => {
    const wx = await post(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
      mchid: sandboxes.keys.wechatpay?.merchants[0]?.mchid,
      complaint_detail: '同一笔订单扣款两次',
    });
    const hsq = await post(`${sandboxes.huishouqian.baseUrl}/sandbox/complaints`, { merchantNo: sandboxes.keys.huishouqian?.merchants[0]?.merchantNo });
    const { nodes } = await waitFor(
      () => feed(),
      (page) => page.nodes.length >= 2,
    );
    const wxEvent = nodes.find((n) => n.complaintId === wx['complaint_id']);
    const hsqEvent = nodes.find((n) => n.complaintId === hsq['complaintId']);
    expect(wxEvent).toMatchObject({ provider: 'WECHAT_PAY', actionType: 'CREATE_COMPLAINT', complaint: { state: 'PENDING', detail: '同一笔订单扣款两次' } });
    expect(hsqEvent).toMatchObject({ provider: 'HUISHOUQIAN', actionType: 'CREATE_COMPLAINT', complaint: { state: 'PENDING' } });
  });

  it('resumes from a cursor and shows the complaint as changed by the notification, not a cached copy', async () => {
    const before = await feed();
    const target = before.nodes.find((n) => n.provider === 'WECHAT_PAY');
    if (!target) throw new Error('no WeChat Pay event yet');
    // Cache the complaint, then let the user write again: the notification must evict the cached copy.
    await gateway.graphql('query($first: Int) { complaintEvents(first: $first) { edges { node { complaint { incomingUserResponse } } } } }', { first: 50 });
    await post(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints/${target.complaintId}/user-messages`, { content: '还没处理吗？' });
    const after = await waitFor(
      () => feed(before.endCursor),
      (page) => page.nodes.length >= 1,
    );
    expect(after.nodes.map((n) => n.notificationId)).not.toContain(target.notificationId);
    expect(after.nodes[0]).toMatchObject({ complaintId: target.complaintId, actionType: 'USER_RESPONSE', complaint: { incomingUserResponse: true } });
  });

  it('turns two Huishouqian user messages on one complaint into two events, though their notifications are byte-identical', async () => {
    const filed = await post(`${sandboxes.huishouqian.baseUrl}/sandbox/complaints`, { merchantNo: sandboxes.keys.huishouqian?.merchants[0]?.merchantNo });
    const complaintId = filed['complaintId'];
    const ofComplaint = async (): Promise<FeedNode[]> => (await feed()).nodes.filter((n) => n.complaintId === complaintId);
    await waitFor(ofComplaint, (nodes) => nodes.length >= 1);
    for (const [index, content] of ['还没退款', '请尽快处理'].entries()) {
      await post(`${sandboxes.huishouqian.baseUrl}/sandbox/complaints/${complaintId}/user-messages`, { content });
      await waitFor(ofComplaint, (nodes) => nodes.length >= index + 2);
    }
    // Give a stray redelivery time to arrive: it must add nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await ofComplaint()).map((n) => n.actionType)).toEqual(['CREATE_COMPLAINT', 'USER_RESPONSE', 'USER_RESPONSE']);
  });
});
