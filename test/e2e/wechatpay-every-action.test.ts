import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATE_TYPES } from '../../src/domain/negotiation.js';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { createSeed } from '../../src/sandbox/wechatpay/seed.js';
import { merchantGlobalId } from '../helpers/global-ids.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Every documented WeChat Pay notification action (spec 4) and history operate type (spec 2.2)
 * happens at the real sandbox, driven by its control API or the gateway's own mutations, and comes
 * out of the gateway's GraphQL with its own name: the feed's actionType, the history's operateType
 * (never UNKNOWN), the click and the platform-service reason.
 */

const DOCUMENTED_ACTIONS = [
  'CREATE_COMPLAINT',
  'CONTINUE_COMPLAINT',
  'USER_RESPONSE',
  'RESPONSE_BY_PLATFORM',
  'SELLER_REFUND',
  'MERCHANT_RESPONSE',
  'MERCHANT_CONFIRM_COMPLETE',
  'USER_APPLY_PLATFORM_SERVICE',
  'USER_CANCEL_PLATFORM_SERVICE',
  'PLATFORM_SERVICE_FINISHED',
  'MERCHANT_APPROVE_REFUND',
  'MERCHANT_REJECT_REFUND',
  'REFUND_SUCCESS',
];

/** Types no user, platform or merchant event of the sandbox produces (historic types, system messages): appended as records. */
const RECORDED_ONLY = [
  'USER_REVOKE_COMPLAINT',
  'USER_COMFIRM_COMPLAINT',
  'PLATFORM_HELP_APPLICATION',
  'USER_APPLY_PLATFORM_HELP',
  'USER_SUBMIT_SATISFACTION',
  'SERVICE_ORDER_CANCEL',
  'SERVICE_ORDER_COMPLETE',
  'COMPLAINT_PARTIAL_REFUNDED_SYSTEM_MESSAGE',
  'COMPLAINT_ENTRUSTED_REFUND_SYSTEM_MESSAGE',
];

const DIRECT = '1900000101';

const HISTORY = `query($id: ID!) {
  complaint(id: $id) {
    negotiationHistory(first: 30) {
      edges { node {
        logId operator operateType operateTypeRaw details
        click { actionId clickedLogId content }
        platformServiceReason platformServiceReasonDescription
        message { blocks { __typename ... on ButtonBlock { text } } }
      } }
    }
  }
}`;

interface Entry {
  logId: string;
  operator: string;
  operateType: string;
  operateTypeRaw: string;
  details: string | null;
  click: { actionId: string | null; clickedLogId: string | null; content: unknown } | null;
  platformServiceReason: string | null;
  platformServiceReasonDescription: string | null;
  message: { blocks: { __typename: string; text?: string }[] } | null;
}

interface FeedNode {
  actionType: string;
  complaintId: string;
  complaint: { id: string } | null;
}

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

async function control(path: string, body: unknown, method = 'POST'): Promise<Record<string, string>> {
  const response = await fetch(`${sandboxes.wechatpay.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return text === '' ? {} : (JSON.parse(text) as Record<string, string>);
}

const event = async (complaintId: string, body: Record<string, unknown>): Promise<string> =>
  (await control(`/sandbox/complaints/${complaintId}/events`, body))['log_id'] ?? '';

type FeedPage = { complaintEvents: { edges: { node: FeedNode }[]; pageInfo: { endCursor: string | null } } };

async function feed(): Promise<FeedNode[]> {
  const nodes: FeedNode[] = [];
  let after: string | null = null;
  for (;;) {
    const result: { body: { data?: FeedPage | null; errors?: unknown } } = await gateway.graphql<FeedPage>(
      'query($after: String) { complaintEvents(first: 50, after: $after) { edges { node { actionType complaintId complaint { id } } } pageInfo { endCursor } } }',
      { after },
    );
    expect(result.body.errors).toBeUndefined();
    const page: FeedPage['complaintEvents'] | undefined = result.body.data?.complaintEvents;
    nodes.push(...(page?.edges.map((edge) => edge.node) ?? []));
    if (!page || page.edges.length < 50) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** The feed's action types for one complaint, once `count` have arrived (notifications are asynchronous). */
async function actionsOf(complaintId: string, count: number): Promise<FeedNode[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const nodes = (await feed()).filter((node) => node.complaintId === complaintId);
    if (nodes.length >= count) return nodes;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return (await feed()).filter((node) => node.complaintId === complaintId);
}

async function history(id: string): Promise<Entry[]> {
  const { body } = await gateway.graphql<{ complaint: { negotiationHistory: { edges: { node: Entry }[] } } }>(HISTORY, { id });
  expect(body.errors).toBeUndefined();
  return body.data?.complaint.negotiationHistory.edges.map((edge) => edge.node) ?? [];
}

async function mutate(query: string, input: Record<string, unknown>): Promise<void> {
  const { body } = await gateway.graphql<Record<string, { __typename: string }>>(query, { input });
  expect(body.errors).toBeUndefined();
  expect(Object.values(body.data ?? {})[0]?.__typename).toMatch(/Success$/);
}

/** Files a complaint and answers its ids once its CREATE_COMPLAINT reached the feed. */
async function fileComplaint(body: Record<string, unknown>): Promise<{ complaintId: string; id: string }> {
  const complaintId = (await control('/sandbox/complaints', { mchid: DIRECT, ...body }))['complaint_id'] ?? '';
  const [created] = await actionsOf(complaintId, 1);
  expect(created?.actionType).toBe('CREATE_COMPLAINT');
  return { complaintId, id: created?.complaint?.id ?? '' };
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ notificationTimeScale: 0.001 });
  gateway = await startGateway(sandboxes);
  const merchants = await gateway.graphql<{ merchants: { id: string; merchantNo: string }[] }>('{ merchants { id merchantNo } }');
  const merchantId = merchants.body.data?.merchants.find((m) => m.merchantNo === DIRECT)?.id;
  const created = await gateway.graphql('mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename } }', {
    input: { merchantId, url: `${gateway.url}/webhooks/wechatpay/${DIRECT}` },
  });
  expect(created.body.data).toEqual({ createNotificationUrl: { __typename: 'CreateNotificationUrlSuccess' } });
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('every documented WeChat Pay action through the sandbox and the gateway', () => {
  it('delivers each notification action to complaintEvents and each history entry with its own operate type', async () => {
    // Complaint A: users, platform customer service and an approved refund that arrives later.
    const a = await fileComplaint({ problem_type: 'REFUND' });
    const logs: Record<string, string> = {};
    // Records first: they send no notification, so nothing must have cached the history before.
    for (const operateType of RECORDED_ONLY)
      logs[operateType] = await event(a.complaintId, { type: 'RECORD', operate_type: operateType, content: operateType });
    logs['USER_RESPONSE'] = await event(a.complaintId, { type: 'USER_RESPONSE', content: '还没处理吗？' });
    logs['USER_CONTINUE_COMPLAINT'] = await event(a.complaintId, { type: 'CONTINUE_COMPLAINT' });
    logs['PLATFORM_RESPONSE'] = await event(a.complaintId, { type: 'PLATFORM_RESPONSE', content: '客服已介入', button: '问题已解决' });
    logs['USER_CLICK_RESPONSE'] = await event(a.complaintId, { type: 'USER_CLICK' });
    logs['USER_APPLY_PLATFORM_SERVICE'] = await event(a.complaintId, {
      type: 'USER_APPLY_PLATFORM_SERVICE',
      reason: '商家未及时处理',
      description: '三天没回复',
    });
    logs['PLATFORM_SERVICE_FINISHED'] = await event(a.complaintId, { type: 'PLATFORM_SERVICE_FINISHED' });
    await event(a.complaintId, { type: 'USER_APPLY_PLATFORM_SERVICE' });
    logs['USER_CANCEL_PLATFORM_SERVICE'] = await event(a.complaintId, { type: 'USER_CANCEL_PLATFORM_SERVICE' });
    await mutate('mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename } }', { complaintId: a.id, text: '已安排退款' });
    await mutate('mutation($input: UpdateRefundProgressInput!) { updateRefundProgress(input: $input) { __typename } }', {
      complaintId: a.id,
      decision: { approve: {} },
    });
    logs['COMPLAINT_REFUND_RECEIVED_SYSTEM_MESSAGE'] = await event(a.complaintId, { type: 'REFUND_SUCCESS' });
    // Complaint B: a refused refund. Complaint C: a refund by the merchant itself, then completion.
    const b = await fileComplaint({ problem_type: 'REFUND' });
    await mutate('mutation($input: UpdateRefundProgressInput!) { updateRefundProgress(input: $input) { __typename } }', {
      complaintId: b.id,
      decision: { reject: { rejectReason: '商品已使用' } },
    });
    const c = await fileComplaint({});
    logs['COMPLAINT_FULL_REFUNDED_SYSTEM_MESSAGE'] = await event(c.complaintId, { type: 'SELLER_REFUND' });
    await mutate('mutation($input: CompleteComplaintInput!) { completeComplaint(input: $input) { __typename } }', { complaintId: c.id });

    const actionsA = (await actionsOf(a.complaintId, 13)).map((node) => node.actionType);
    const actionsB = (await actionsOf(b.complaintId, 2)).map((node) => node.actionType);
    const actionsC = (await actionsOf(c.complaintId, 3)).map((node) => node.actionType);
    expect(actionsA.sort()).toEqual(
      [
        'CREATE_COMPLAINT',
        'USER_RESPONSE',
        'CONTINUE_COMPLAINT',
        'RESPONSE_BY_PLATFORM',
        // A click is a new user message (the sandbox's choice: spec 4 names no action for it).
        'USER_RESPONSE',
        'USER_APPLY_PLATFORM_SERVICE',
        'PLATFORM_SERVICE_FINISHED',
        'USER_APPLY_PLATFORM_SERVICE',
        'USER_CANCEL_PLATFORM_SERVICE',
        'MERCHANT_RESPONSE',
        'MERCHANT_APPROVE_REFUND',
        'REFUND_SUCCESS',
      ].sort(),
    );
    expect(actionsB.sort()).toEqual(['CREATE_COMPLAINT', 'MERCHANT_REJECT_REFUND']);
    expect(actionsC.sort()).toEqual(['CREATE_COMPLAINT', 'MERCHANT_CONFIRM_COMPLETE', 'SELLER_REFUND']);
    expect(new Set([...actionsA, ...actionsB, ...actionsC])).toEqual(new Set(DOCUMENTED_ACTIONS));

    const entries = [...(await history(a.id)), ...(await history(b.id)), ...(await history(c.id))];
    // Every documented operate type shows up under its own name, none as UNKNOWN.
    expect(entries.filter((entry) => entry.operateType === 'UNKNOWN')).toEqual([]);
    for (const entry of entries) expect(entry.operateType).toBe(entry.operateTypeRaw);
    expect(new Set(entries.map((entry) => entry.operateType))).toEqual(new Set(OPERATE_TYPES));
    // Each control call appended the entry it answered.
    const byLog = new Map(entries.map((entry) => [entry.logId, entry]));
    for (const [operateType, logId] of Object.entries(logs)) expect(byLog.get(logId)?.operateType, operateType).toBe(operateType);

    const platform = byLog.get(logs['PLATFORM_RESPONSE'] ?? '');
    expect(platform?.message?.blocks).toEqual([{ __typename: 'TextBlock' }, { __typename: 'ButtonBlock', text: '问题已解决' }]);
    expect(byLog.get(logs['USER_CLICK_RESPONSE'] ?? '')?.click).toEqual({
      actionId: expect.stringMatching(/^PLATFORM_ACTION_/),
      clickedLogId: logs['PLATFORM_RESPONSE'],
      content: { content: '问题已解决' },
    });
    expect(byLog.get(logs['USER_APPLY_PLATFORM_SERVICE'] ?? '')).toMatchObject({
      platformServiceReason: '商家未及时处理',
      platformServiceReasonDescription: '三天没回复',
      click: null,
    });
    expect(byLog.get(logs['USER_RESPONSE'] ?? '')).toMatchObject({ click: null, platformServiceReason: null });
  });

  it('refuses events the complaint is not ready for, and undocumented operate types', async () => {
    const { complaintId } = await fileComplaint({});
    for (const body of [
      { type: 'PLATFORM_SERVICE_FINISHED' },
      { type: 'REFUND_SUCCESS' },
      { type: 'RECORD', operate_type: 'USER_DANCED' },
      { type: 'USER_CLICK', clicked_log_id: 'nope' },
      { type: 'NO_SUCH_EVENT' },
    ]) {
      const response = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints/${complaintId}/events`, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('keeps record fields the model has no place for (WeChat may add keys at any time) in extras', async () => {
    const { complaintId, id } = await fileComplaint({});
    const logId = await event(complaintId, {
      type: 'RECORD',
      operate_type: 'PLATFORM_RESPONSE',
      content: '平台已介入',
      extra_fields: { future_field: { level: 2 } },
    });
    const { body } = await gateway.graphql<{ complaint: { negotiationHistory: { edges: { node: { logId: string; extras: unknown } }[] } } }>(
      'query($id: ID!) { complaint(id: $id) { negotiationHistory(first: 10) { edges { node { logId extras } } } } }',
      { id },
    );
    expect(body.errors).toBeUndefined();
    const entries = body.data?.complaint.negotiationHistory.edges.map((edge) => edge.node) ?? [];
    expect(entries.find((entry) => entry.logId === logId)?.extras).toEqual({ future_field: { level: 2 } });
    // Known fields are mapped, not repeated in extras.
    expect(entries.filter((entry) => entry.logId !== logId).every((entry) => JSON.stringify(entry.extras) === '{}')).toBe(true);
  });

  it('seeds platform customer service: a reasoned request, a rich message, a click on it and the end of the help', async () => {
    // The seed is deterministic for the day, so the test can find the complaint the sandbox holds.
    const seeded = createSeed(Date.now()).complaints.find((complaint) => complaint.history.some((entry) => entry.operateType === 'USER_CLICK_RESPONSE'));
    if (seeded === undefined) throw new Error('the seed has no click');
    const entries = await history(complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: seeded.complaintedMchid, complaintId: seeded.complaintId }));
    const types = entries.map((entry) => entry.operateType);
    expect(types).toEqual(expect.arrayContaining(['USER_APPLY_PLATFORM_SERVICE', 'PLATFORM_RESPONSE', 'USER_CLICK_RESPONSE', 'PLATFORM_SERVICE_FINISHED']));
    const click = entries.find((entry) => entry.operateType === 'USER_CLICK_RESPONSE')?.click;
    const clicked = entries.find((entry) => entry.logId === click?.clickedLogId);
    expect(clicked?.operateType).toBe('PLATFORM_RESPONSE');
    expect(click?.actionId).toBe(`SEED_SOLVED_${seeded.complaintId}`);
    expect(entries.find((entry) => entry.operateType === 'USER_APPLY_PLATFORM_SERVICE')?.platformServiceReason).toBe('商家未及时处理');
  });
});

describe('Merchant.notificationUrl when none is registered (undocumented answer, each sandbox choice)', () => {
  // One merchant per answer: the gateway caches the URL per merchant, so each read goes upstream once.
  for (const [status, merchantNo] of [
    [404, '1900000102'],
    [400, '1900000301'],
    [200, '1900000302'],
  ] as const) {
    it(`reads ${status === 200 ? '200 with an empty url' : status === 400 ? '400 RESOURCE_NOT_EXISTS' : '404'} as null, without an error`, async () => {
      await control('/sandbox/no-notification-url-answer', { status }, 'PUT');
      const before = sandboxes.wechatpay.stats()['getNotificationUrl'] ?? 0;
      const { body } = await gateway.graphql<{ node: { merchantNo: string; notificationUrl: string | null } }>(
        'query($id: ID!) { node(id: $id) { ... on Merchant { merchantNo notificationUrl } } }',
        { id: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo }) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.node).toEqual({ merchantNo, notificationUrl: null });
      // The answer really came from the sandbox in this mode (not from the cache).
      expect((sandboxes.wechatpay.stats()['getNotificationUrl'] ?? 0) - before).toBe(1);
    });
  }
});
