import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { merchantGlobalId } from '../helpers/global-ids.js';
import { SANDBOX_ADMIN_TOKEN, SANDBOX_READONLY_TOKEN, sandboxMerchantToken } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * The cross-tenant matrix over real HTTP: each demo token × each query, connection, node lookup,
 * mutation, media URL and event query × own and foreign ids. A merchant token must not read,
 * change, page into or learn the existence of another merchant's data: for it, a foreign merchant
 * answers exactly as a merchant nobody configured.
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

const OWN = '1900000101'; // WeChat Pay direct merchant whose console token we use
const FOREIGN = '1900000102'; // another WeChat Pay direct merchant of the same gateway
const UNCONFIGURED = '1900009999'; // configured nowhere
const MERCHANT_TOKEN = sandboxMerchantToken(OWN);
const TOKENS = { admin: SANDBOX_ADMIN_TOKEN, readonly: SANDBOX_READONLY_TOKEN, merchant: MERCHANT_TOKEN } as const;
type Caller = keyof typeof TOKENS;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function as(caller: Caller, query: string, variables?: Record<string, unknown>): Promise<Body> {
  const { status, body } = await gateway.graphql(query, variables, { authorization: `Bearer ${TOKENS[caller]}` });
  expect(status).toBe(200);
  return body as Body;
}

const today = beijingToday(new Date());
const RANGE = { from: addDays(today, -89), to: today };
const LIST = `query($filter: ComplaintFilterInput, $after: String) {
  complaints(first: 100, filter: $filter, after: $after) {
    edges { node { id complaintId state merchant { merchantNo } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Listed {
  id: string;
  complaintId: string;
  state: string;
  merchant: { merchantNo: string };
}

function listed(body: Body): Listed[] {
  const connection = body.data?.['complaints'] as { edges: { node: Listed }[] } | undefined;
  return connection?.edges.map((edge) => edge.node) ?? [];
}

/** A pending complaint of a merchant, as the admin sees it. */
async function pendingOf(merchantNo: string): Promise<Listed> {
  const body = await as('admin', LIST, { filter: { ...RANGE, states: ['PENDING'], merchantIds: [merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo })] } });
  const found = listed(body)[0];
  if (found === undefined) throw new Error(`no pending complaint of ${merchantNo}`);
  return found;
}

async function historyLength(id: string): Promise<number> {
  const body = await as('admin', `query($id: ID!) { complaint(id: $id) { state negotiationHistory(first: 100) { edges { node { logId } } } } }`, { id });
  const complaint = body.data?.['complaint'] as { negotiationHistory: { edges: unknown[] } };
  return complaint.negotiationHistory.edges.length;
}

const ownMerchantId = merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: OWN });
const foreignMerchantId = merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: FOREIGN });
const unconfiguredMerchantId = merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: UNCONFIGURED });
let own: Listed;
let foreign: Listed;

/** The same answer with the merchant numbers masked: what a caller could tell them apart by. */
function shape(body: Body): string {
  return JSON.stringify(body)
    .replaceAll(FOREIGN, 'M')
    .replaceAll(UNCONFIGURED, 'M')
    .replace(/"[A-Za-z0-9_-]{20,}"/g, '"ID"');
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
  gateway = await startGateway(sandboxes);
  own = await pendingOf(OWN);
  foreign = await pendingOf(FOREIGN);
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('authentication', () => {
  it('answers 401 to every operation without a valid token, and serves the GraphiQL page', async () => {
    for (const authorization of ['', 'Bearer nope', `Bearer ${SANDBOX_ADMIN_TOKEN}x`, SANDBOX_ADMIN_TOKEN]) {
      for (const query of [
        '{ merchants { id } }',
        '{ complaintEvents { edges { cursor } } }',
        'mutation { deleteNotificationUrl(input: { merchantId: "x" }) { __typename } }',
      ]) {
        const { status, body } = await gateway.graphql(query, undefined, { authorization });
        expect(status).toBe(401);
        expect((body as Body).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      }
    }
    const page = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Bearer ${SANDBOX_ADMIN_TOKEN}`);
  });
});

describe('reads', () => {
  it('lists only the granted merchants', async () => {
    const numbers = async (caller: Caller) =>
      ((await as(caller, '{ merchants { merchantNo } }')).data?.['merchants'] as { merchantNo: string }[]).map((m) => m.merchantNo);
    expect(await numbers('admin')).toEqual(expect.arrayContaining([OWN, FOREIGN]));
    expect(await numbers('readonly')).toEqual(await numbers('admin'));
    expect(await numbers('merchant')).toEqual([OWN]);
  });

  it('complaint(id) and node(id): a foreign id answers exactly as an id of an unconfigured merchant', async () => {
    const unconfigured = complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: UNCONFIGURED, complaintId: foreign.complaintId });
    for (const query of ['query($id: ID!) { complaint(id: $id) { id detail } }', 'query($id: ID!) { node(id: $id) { id ... on Complaint { detail } } }']) {
      for (const caller of ['admin', 'readonly', 'merchant'] as const) {
        const mine = await as(caller, query, { id: own.id });
        expect(JSON.stringify(mine.data)).toContain(own.id);
      }
      expect(JSON.stringify((await as('admin', query, { id: foreign.id })).data)).toContain(foreign.id);
      const refused = await as('merchant', query, { id: foreign.id });
      expect(JSON.stringify(refused.data)).not.toContain(foreign.id);
      expect(shape(refused)).toBe(shape(await as('merchant', query, { id: unconfigured })));
    }
    const merchantNode = 'query($id: ID!) { node(id: $id) { id ... on Merchant { name } } }';
    const refused = await as('merchant', merchantNode, { id: foreignMerchantId });
    expect(refused.data).toEqual({ node: null });
    expect(shape(refused)).toBe(shape(await as('merchant', merchantNode, { id: unconfiguredMerchantId })));
  });

  it('complaints: a merchant token sees its own, cannot filter on or page into a foreign merchant', async () => {
    const mine = listed(await as('merchant', LIST, { filter: RANGE }));
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((n) => n.merchant.merchantNo))).toEqual(new Set([OWN]));

    const named = await as('merchant', LIST, { filter: { ...RANGE, merchantIds: [foreignMerchantId] } });
    expect(named.errors?.[0]?.extensions?.['code']).toBe('VALIDATION_ERROR');
    expect(shape(named)).toBe(shape(await as('merchant', LIST, { filter: { ...RANGE, merchantIds: [unconfiguredMerchantId] } })));

    // A cursor the admin got (positions of every merchant) does not open other merchants' lists.
    const adminPage = (await as('admin', LIST, { filter: RANGE })).data?.['complaints'] as { pageInfo: { endCursor: string } };
    const paged = listed(await as('merchant', LIST, { filter: RANGE, after: adminPage.pageInfo.endCursor }));
    expect(paged.every((n) => n.merchant.merchantNo === OWN)).toBe(true);
  });

  it('payerPhone needs pii:read and notificationUrl needs notifications:admin: null plus an error naming the scope', async () => {
    // Not every seeded complaint has a phone (which ones depends on the day): one that has.
    const phones = await as('admin', `query($filter: ComplaintFilterInput) { complaints(first: 100, filter: $filter) { edges { node { id payerPhone } } } }`, {
      filter: { ...RANGE, merchantIds: [ownMerchantId] },
    });
    const edges = (phones.data?.['complaints'] as { edges: { node: { id: string; payerPhone: string | null } }[] }).edges;
    const withPhone = edges.find((edge) => edge.node.payerPhone !== null)?.node.id;
    if (withPhone === undefined) throw new Error(`no complaint of ${OWN} with a payer phone in the seed`);
    const query = `query($id: ID!) { complaint(id: $id) { payerPhone merchant { notificationUrl } } }`;
    for (const caller of ['admin', 'merchant'] as const) {
      const body = await as(caller, query, { id: withPhone });
      expect(body.errors).toBeUndefined();
      expect((body.data?.['complaint'] as { payerPhone: string | null }).payerPhone).toMatch(/^1\d{10}$/);
    }
    const readonly = await as('readonly', query, { id: withPhone });
    expect(readonly.data).toEqual({ complaint: { payerPhone: null, merchant: { notificationUrl: null } } });
    expect(readonly.errors?.map((e) => [e.extensions?.['code'], e.message])).toEqual(
      expect.arrayContaining([
        ['FORBIDDEN', expect.stringContaining('pii:read')],
        ['FORBIDDEN', expect.stringContaining('notifications:admin')],
      ]),
    );
  });

  it('media URLs come only with complaints the caller may read', async () => {
    const media = `query($id: ID!) { complaint(id: $id) { media { urls } } }`;
    expect(JSON.stringify((await as('merchant', media, { id: own.id })).data)).not.toContain(foreign.complaintId);
    const foreignMedia = await as('merchant', media, { id: foreign.id });
    expect(foreignMedia.data).toEqual({ complaint: null });
  });
});

describe('complaintEvents', () => {
  it('a merchant token polls only its own events and cannot name a foreign merchant', async () => {
    for (const merchantNo of [OWN, FOREIGN]) {
      const merchantId = merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo });
      const created = await as('admin', `mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename } }`, {
        input: { merchantId, url: `${gateway.url}/webhooks/wechatpay/${merchantNo}` },
      });
      expect(created.data).toEqual({ createNotificationUrl: { __typename: 'CreateNotificationUrlSuccess' } });
      const filed = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mchid: merchantNo }),
      });
      expect(filed.status).toBeLessThan(300);
    }
    const FEED = `query($ids: [ID!]) { complaintEvents(first: 100, merchantIds: $ids) { edges { node { merchant { merchantNo } } } } }`;
    const merchantsIn = (body: Body) =>
      new Set((body.data?.['complaintEvents'] as { edges: { node: { merchant: { merchantNo: string } } }[] }).edges.map((e) => e.node.merchant.merchantNo));
    let all = new Set<string>();
    for (let attempt = 0; attempt < 100 && all.size < 2; attempt++) {
      all = merchantsIn(await as('admin', FEED));
      if (all.size < 2) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(all).toEqual(new Set([OWN, FOREIGN]));
    expect(merchantsIn(await as('merchant', FEED))).toEqual(new Set([OWN]));
    const named = await as('merchant', FEED, { ids: [foreignMerchantId] });
    expect(named.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(shape(named)).toBe(shape(await as('merchant', FEED, { ids: [unconfiguredMerchantId] })));
  });
});

describe('mutations', () => {
  const REPLY = `mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename ... on Error { code message } } }`;
  const COMPLETE = `mutation($input: CompleteComplaintInput!) { completeComplaint(input: $input) { __typename ... on Error { code message } } }`;
  const REFUND = `mutation($input: UpdateRefundProgressInput!) { updateRefundProgress(input: $input) { __typename ... on Error { code message } } }`;
  const IMMEDIATE = `mutation($input: ReplyImmediatelyInput!) { replyImmediately(input: $input) { __typename ... on Error { code message } } }`;
  const SET_URL = `mutation($input: SetNotificationUrlInput!) { updateNotificationUrl(input: $input) { __typename ... on Error { code message } } }`;
  const DELETE_URL = `mutation($input: DeleteNotificationUrlInput!) { deleteNotificationUrl(input: $input) { __typename ... on Error { code message } } }`;

  const onComplaint = (id: string): [string, Record<string, unknown>][] => [
    [REPLY, { input: { complaintId: id, text: '您好，已为您处理' } }],
    [COMPLETE, { input: { complaintId: id } }],
    [REFUND, { input: { complaintId: id, decision: { reject: { rejectReason: '已协商' } } } }],
    [IMMEDIATE, { input: { complaintId: id, idempotencyKey: `k-${id.slice(-8)}`, message: { blocks: [{ text: { text: '您好' } }] } } }],
  ];
  const onMerchant = (merchantId: string): [string, Record<string, unknown>][] => [
    [SET_URL, { input: { merchantId, url: 'https://console.example/hook' } }],
    [DELETE_URL, { input: { merchantId } }],
  ];
  const result = (body: Body): { __typename: string; code?: string; message?: string } =>
    Object.values(body.data ?? {})[0] as { __typename: string; code?: string; message?: string };

  it('a merchant token changes nothing of a foreign merchant: NotFoundError, exactly as for an unconfigured one', async () => {
    const before = await historyLength(foreign.id);
    const unconfiguredComplaint = complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: UNCONFIGURED, complaintId: foreign.complaintId });
    const calls = [
      ...onComplaint(foreign.id).map(([q, v], i) => [q, v, onComplaint(unconfiguredComplaint)[i]?.[1]] as const),
      ...onMerchant(foreignMerchantId).map(([q, v], i) => [q, v, onMerchant(unconfiguredMerchantId)[i]?.[1]] as const),
    ];
    for (const [query, variables, unconfiguredVariables] of calls) {
      const refused = await as('merchant', query, variables);
      expect(result(refused)).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(shape(refused)).toBe(shape(await as('merchant', query, unconfiguredVariables)));
    }
    expect(await historyLength(foreign.id)).toBe(before);
    const state = await as('admin', `query($id: ID!) { complaint(id: $id) { state } }`, { id: foreign.id });
    expect(state.data).toEqual({ complaint: { state: 'PENDING' } });
  });

  it('the read-only token changes nothing: ForbiddenError naming the missing scope', async () => {
    const before = await historyLength(own.id);
    for (const [query, variables] of [...onComplaint(own.id), ...onMerchant(ownMerchantId)]) {
      const refused = result(await as('readonly', query, variables));
      expect(refused).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
      expect(refused.message).toMatch(query.includes('NotificationUrl') ? /notifications:admin/ : /complaints:write/);
    }
    expect(await historyLength(own.id)).toBe(before);
  });

  it("a merchant token points its account's notifications at this gateway only: ValidationError, no upstream call", async () => {
    const CREATE_URL = `mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename ... on Error { code message } ... on ValidationError { field } } }`;
    const writes = () => {
      const stats = sandboxes.wechatpay.stats();
      return (stats['createNotificationUrl'] ?? 0) + (stats['updateNotificationUrl'] ?? 0);
    };
    const before = writes();
    for (const url of ['https://attacker.example/collect', `${gateway.url}/webhooks/wechatpay/${FOREIGN}`, `${gateway.url}/graphql`]) {
      for (const query of [SET_URL, CREATE_URL]) {
        const refused = result(await as('merchant', query, { input: { merchantId: ownMerchantId, url } }));
        expect(refused).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_ERROR' });
      }
    }
    expect(writes()).toBe(before);
  });

  it('uploadImage refuses a foreign merchant before reading the file', async () => {
    const upload = async (merchantId: string, token: string) => {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({
          query: 'mutation($m: ID!, $f: File!) { uploadImage(merchantId: $m, file: $f) { __typename } }',
          variables: { m: merchantId, f: null },
        }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.f'] }));
      form.append('0', new Blob([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')], { type: 'image/png' }), 'a.png');
      const response = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${token}`, 'x-graphql-yoga-csrf': '1' },
      });
      return (await response.json()) as Body;
    };
    expect(result(await upload(foreignMerchantId, MERCHANT_TOKEN))).toEqual({ __typename: 'NotFoundError' });
    expect(result(await upload(ownMerchantId, SANDBOX_READONLY_TOKEN))).toEqual({ __typename: 'ForbiddenError' });
  });

  it('a merchant token changes its own complaints, and the change is visible right after', async () => {
    const replied = await as('merchant', REPLY, { input: { complaintId: own.id, text: '您好，已为您处理' } });
    expect(result(replied)).toEqual({ __typename: 'ReplyToComplaintSuccess' });
    const state = await as('merchant', `query($id: ID!) { complaint(id: $id) { state } }`, { id: own.id });
    expect(state.data).toEqual({ complaint: { state: 'PROCESSING' } });
  });
});
