import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { merchantGlobalId } from '../helpers/global-ids.js';
import { SANDBOX_ADMIN_TOKEN, sandboxMerchantToken } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * The cross-tenant matrix for the account shapes real deployments have: sibling sub-merchants of
 * one WeChat Pay service provider (whose calls WeChat answers for any of its sub-merchants) and
 * merchants of one Huishouqian agent. A merchant's token forges complaint ids every way (its own
 * merchant with a sibling's complaint number, the sibling's merchant with its own number, the
 * sibling's genuine id, the other provider, an unconfigured merchant): every query and mutation
 * answers exactly as for a complaint that does not exist, nothing reaches a write endpoint
 * upstream, and the sibling's complaint is unchanged. (test/e2e/access-control.test.ts covers
 * direct merchants and the scopes.)
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

type Provider = 'WECHAT_PAY' | 'HUISHOUQIAN';

interface Shape {
  name: string;
  provider: Provider;
  /** The merchant whose console token forges the ids. */
  caller: string;
  /** Another merchant of the same provider account (service provider, agent). */
  sibling: string;
  /** The sandbox endpoints that change a complaint; none may be called. */
  writes: string[];
}

const SHAPES: Shape[] = [
  {
    name: 'WeChat Pay sub-merchants of one service provider',
    provider: 'WECHAT_PAY',
    caller: '1900000301',
    sibling: '1900000302',
    writes: ['reply', 'complete', 'updateRefundProgress', 'replyImmediately'],
  },
  {
    name: 'Huishouqian merchants of one agent',
    provider: 'HUISHOUQIAN',
    caller: '814000473149',
    sibling: '814000473150',
    writes: ['commitResponse', 'commitComplete'],
  },
];

const NONEXISTENT = '200299999999999999999999999';
const UNCONFIGURED = '1900009999';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
}

async function as(token: string, query: string, variables?: Record<string, unknown>): Promise<Body> {
  const { status, body } = await gateway.graphql(query, variables, { authorization: `Bearer ${token}` });
  expect(status).toBe(200);
  return body as Body;
}

const READS = {
  complaint: `query($id: ID!) { complaint(id: $id) { id detail payerOpenid payerPhone orders { outTradeNo } media { urls } negotiationHistory(first: 5) { edges { node { logId images } } } } }`,
  node: `query($id: ID!) { node(id: $id) { id ... on Complaint { detail payerPhone } } }`,
} as const;

const RESULT = `__typename ... on Error { code message }`;
const WRITES = {
  reply: `mutation($id: ID!) { replyToComplaint(input: { complaintId: $id, text: "已为您处理", idempotencyKey: "forged-1" }) { ${RESULT} ... on ReplyToComplaintSuccess { complaintId } } }`,
  complete: `mutation($id: ID!) { completeComplaint(input: { complaintId: $id }) { ${RESULT} ... on CompleteComplaintSuccess { complaintId } } }`,
  rejectRefund: `mutation($id: ID!) { updateRefundProgress(input: { complaintId: $id, decision: { reject: { rejectReason: "不符合退款条件" } } }) { ${RESULT} } }`,
  replyImmediately: `mutation($id: ID!) { replyImmediately(input: { complaintId: $id, idempotencyKey: "forged-2", message: { blocks: [{ text: { text: "您好" } }] } }) { ${RESULT} } }`,
} as const;

const FILTERED = `query($filter: ComplaintFilterInput) { complaints(first: 20, filter: $filter) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;

interface Filed {
  complaintId: string;
  outTradeNo: string;
}

async function fileComplaint(provider: Provider, merchantNo: string): Promise<Filed> {
  const wechat = provider === 'WECHAT_PAY';
  const outTradeNo = `ISO${merchantNo}${Date.now()}`;
  const body = wechat
    ? { mchid: merchantNo, problem_type: 'REFUND', need_immediate_service: true, out_trade_no: outTradeNo }
    : { merchantNo, merchantTradeNo: outTradeNo };
  const response = await fetch(`${wechat ? sandboxes.wechatpay.baseUrl : sandboxes.huishouqian.baseUrl}/sandbox/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  const json = (await response.json()) as Record<string, string>;
  return { complaintId: json['complaint_id'] ?? json['complaintId'] ?? '', outTradeNo };
}

/** The complaint as its owner's console sees it: state and history length. */
async function ownerView(provider: Provider, merchantNo: string, complaintId: string): Promise<unknown> {
  const body = await as(
    sandboxMerchantToken(merchantNo),
    `query($id: ID!) { complaint(id: $id) { state incomingUserResponse negotiationHistory(first: 100) { edges { node { logId } } } } }`,
    {
      id: complaintGlobalId({ provider, merchantNo, complaintId }),
    },
  );
  expect(body.errors).toBeUndefined();
  expect(body.data?.['complaint']).not.toBeNull();
  return body.data?.['complaint'];
}

function upstreamWrites(shape: Shape): number {
  const stats = shape.provider === 'WECHAT_PAY' ? sandboxes.wechatpay.stats() : sandboxes.huishouqian.stats();
  return shape.writes.reduce((sum, name) => sum + (stats[name] ?? 0), 0);
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
  // Budgets big enough for the matrix's many reads: a call queued for the next 10 s budget window
  // would only slow the run (provider-budgets-two-instances.redis.test.ts tests budgets).
  gateway = await startGateway(sandboxes, { wechatpayAccount: { limits: { list: 6_000, history: 6_000 } } });
  // Notifications of both accounts reach the gateway: the service provider's own webhook, registered
  // through the real notification-URL API by a token granted all of its sub-merchants.
  const created = await as(SANDBOX_ADMIN_TOKEN, `mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename } }`, {
    input: { merchantId: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: SHAPES[0]?.caller ?? '' }) },
  });
  expect(created.data).toEqual({ createNotificationUrl: { __typename: 'CreateNotificationUrlSuccess' } });
  const agent = sandboxes.keys.huishouqian?.agentMerchantNo;
  const hsq = await fetch(`${sandboxes.huishouqian.baseUrl}/sandbox/notification-url`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gateway.url}/webhooks/huishouqian/${agent}` }),
  });
  expect(hsq.ok).toBe(true);
});

const FEED = `query($merchantIds: [ID!]) { complaintEvents(first: 40, merchantIds: $merchantIds) { edges { node { complaintId merchant { merchantNo } complaint { id } } } } }`;

interface FeedNode {
  complaintId: string;
  merchant: { merchantNo: string };
  complaint: { id: string } | null;
}

async function feed(token: string, merchantIds?: string[]): Promise<{ body: Body; nodes: FeedNode[] }> {
  const body = await as(token, FEED, merchantIds === undefined ? {} : { merchantIds });
  const connection = body.data?.['complaintEvents'] as { edges: { node: FeedNode }[] } | undefined;
  return { body, nodes: connection?.edges.map((edge) => edge.node) ?? [] };
}

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe.each(SHAPES)('$name', (shape) => {
  const { provider, caller, sibling } = shape;
  const token = sandboxMerchantToken(caller);
  const other: Provider = provider === 'WECHAT_PAY' ? 'HUISHOUQIAN' : 'WECHAT_PAY';
  let own: Filed;
  let foreign: Filed;
  let forged: Record<string, string>;
  let reference: string;
  let unconfiguredReference: string;

  beforeAll(async () => {
    own = await fileComplaint(provider, caller);
    foreign = await fileComplaint(provider, sibling);
    reference = complaintGlobalId({ provider, merchantNo: caller, complaintId: NONEXISTENT });
    unconfiguredReference = complaintGlobalId({ provider, merchantNo: UNCONFIGURED, complaintId: NONEXISTENT });
    forged = {
      'own merchant, sibling complaint number': complaintGlobalId({ provider, merchantNo: caller, complaintId: foreign.complaintId }),
      'sibling merchant, own complaint number': complaintGlobalId({ provider, merchantNo: sibling, complaintId: own.complaintId }),
      "the sibling's genuine id": complaintGlobalId({ provider, merchantNo: sibling, complaintId: foreign.complaintId }),
      'the other provider': complaintGlobalId({ provider: other, merchantNo: caller, complaintId: own.complaintId }),
      'an unconfigured merchant': complaintGlobalId({ provider, merchantNo: UNCONFIGURED, complaintId: foreign.complaintId }),
    };
  });

  it('the caller and the sibling each read their own complaint', async () => {
    await ownerView(provider, caller, own.complaintId);
    await ownerView(provider, sibling, foreign.complaintId);
  });

  it('reads: every forged id answers exactly as a complaint that does not exist, twice (nothing cached under a wrong key)', async () => {
    for (const [name, query] of Object.entries(READS)) {
      const expected = JSON.stringify(await as(token, query, { id: reference }));
      for (const [how, id] of Object.entries(forged)) {
        for (const attempt of [1, 2]) {
          const answer = JSON.stringify(await as(token, query, { id }));
          expect(answer, `${name}, ${how}, attempt ${attempt}`).toBe(expected);
        }
      }
    }
  });

  it('a token granted every merchant still never sees a complaint under a merchant that does not own it', async () => {
    const id = forged['own merchant, sibling complaint number'] as string;
    expect(await as(SANDBOX_ADMIN_TOKEN, READS.complaint, { id })).toEqual(await as(SANDBOX_ADMIN_TOKEN, READS.complaint, { id: reference }));
    const genuine = await as(SANDBOX_ADMIN_TOKEN, READS.node, { id: forged["the sibling's genuine id"] });
    expect((genuine.data?.['node'] as { id: string } | null)?.id).toBe(forged["the sibling's genuine id"]);
  });

  it("complaints filtered by a sibling's complaint number or order number: as for numbers nobody has", async () => {
    const own = { merchantIds: [merchantGlobalId({ provider, merchantNo: caller })] };
    for (const filter of [
      { complaintId: foreign.complaintId },
      { ...own, complaintId: foreign.complaintId },
      { outTradeNo: foreign.outTradeNo },
      { ...own, outTradeNo: foreign.outTradeNo },
    ]) {
      const missing = 'complaintId' in filter ? { ...filter, complaintId: NONEXISTENT } : { ...filter, outTradeNo: 'NOBODY-HAS-THIS' };
      const answer = await as(token, FILTERED, { filter });
      expect((answer.data?.['complaints'] as { edges: unknown[] }).edges).toEqual([]);
      expect(JSON.stringify(answer)).toBe(JSON.stringify(await as(token, FILTERED, { filter: missing })));
    }
  });

  it('writes: every forged id gets the answer of a complaint that does not exist; nothing reaches a write endpoint, the sibling complaint is unchanged', async () => {
    const before = await ownerView(provider, sibling, foreign.complaintId);
    const writesBefore = upstreamWrites(shape);
    // A write to the caller's own merchant is first checked against what that merchant's provider
    // offers (Huishouqian has no refund decisions): the caller may know that of its own merchant. A
    // merchant it was not granted answers as one nobody configured.
    const ownMerchant = new Set(['own merchant, sibling complaint number']);
    for (const [name, mutation] of Object.entries(WRITES)) {
      const expected = JSON.stringify(await as(token, mutation, { id: reference }));
      const expectedElsewhere = JSON.stringify(await as(token, mutation, { id: unconfiguredReference }));
      expect(expected, name).not.toContain('Success');
      expect(expectedElsewhere, name).toContain('complaint not found');
      for (const [how, id] of Object.entries(forged)) {
        expect(JSON.stringify(await as(token, mutation, { id })), `${name}, ${how}`).toBe(ownMerchant.has(how) ? expected : expectedElsewhere);
      }
    }
    expect(upstreamWrites(shape)).toBe(writesBefore);
    expect(await ownerView(provider, sibling, foreign.complaintId)).toEqual(before);
  });

  it("the event feed: each event under the merchant that owns the complaint, never in a sibling's feed", async () => {
    // Both complaints were filed in beforeAll; their notifications arrive within moments.
    let all: FeedNode[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      all = (await feed(SANDBOX_ADMIN_TOKEN)).nodes;
      if ([own, foreign].every((filed) => all.some((node) => node.complaintId === filed.complaintId))) break;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(all.find((node) => node.complaintId === foreign.complaintId)?.merchant.merchantNo).toBe(sibling);
    expect(all.find((node) => node.complaintId === own.complaintId)?.merchant.merchantNo).toBe(caller);

    const mine = await feed(token);
    expect(mine.nodes.some((node) => node.complaintId === own.complaintId && node.complaint !== null)).toBe(true);
    expect(mine.nodes.every((node) => node.merchant.merchantNo === caller)).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain(foreign.complaintId);
    // Naming the sibling is naming a merchant nobody configured.
    const named = await feed(token, [merchantGlobalId({ provider, merchantNo: sibling })]);
    expect(JSON.stringify(named.body).replaceAll(sibling, 'M')).toBe(
      JSON.stringify((await feed(token, [merchantGlobalId({ provider, merchantNo: UNCONFIGURED })])).body).replaceAll(UNCONFIGURED, 'M'),
    );
  });

  it('no answer names the sibling merchant', async () => {
    for (const query of [...Object.values(READS), ...Object.values(WRITES)]) {
      for (const id of Object.values(forged)) {
        const text = JSON.stringify(await as(token, query, { id })).replaceAll(id, 'ID');
        expect(text).not.toContain(sibling);
        expect(text).not.toContain(foreign.complaintId);
      }
    }
  });
});
