import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromSandboxKeys } from '../../src/sandbox/sandbox-config.js';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { hashAccessToken } from '../../src/server/auth/access-tokens.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Writes never repeat and never lie: the WeChat sandbox applies a write and then loses its answer
 * (fault `drop-answer`), the gateway reports OUTCOME_UNKNOWN (not retryable), and a repeat with the
 * same idempotency key checks upstream before sending, so the consumer gets one reply, not two.
 */

const MERCHANT = '1900000101';
const WRITER_TOKEN = 'test-writer-without-read-scope';

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

interface Result {
  __typename: string;
  code?: string;
  message?: string;
  retryable?: boolean;
  complaintId?: string;
}

const RESULT = `__typename ... on Error { code message } ... on OutcomeUnknownError { retryable }`;
const REPLY = `mutation($id: ID!, $text: String!, $key: String) {
  replyToComplaint(input: { complaintId: $id, text: $text, idempotencyKey: $key }) { ${RESULT} ... on ReplyToComplaintSuccess { complaintId } }
}`;
const COMPLETE = `mutation($id: ID!, $key: String) { completeComplaint(input: { complaintId: $id, idempotencyKey: $key }) { ${RESULT} } }`;
const REJECT = `mutation($id: ID!, $key: String) {
  updateRefundProgress(input: { complaintId: $id, idempotencyKey: $key, decision: { reject: { rejectReason: "用户已使用服务" } } }) { ${RESULT} }
}`;

async function control(path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${sandboxes.wechatpay.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, string>;
}

async function newComplaint(extra: Record<string, unknown> = {}): Promise<string> {
  const { complaint_id: complaintId } = await control('/sandbox/complaints', { mchid: MERCHANT, ...extra });
  return complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: MERCHANT, complaintId: complaintId ?? '' });
}

async function mutate(on: GatewayUnderTest, mutation: string, variables: Record<string, unknown>, token?: string): Promise<Result> {
  const { body } = await on.graphql<Record<string, Result>>(mutation, variables, token === undefined ? {} : { authorization: `Bearer ${token}` });
  return Object.values(body.data ?? {})[0] as Result;
}

async function history(id: string): Promise<{ operateTypeRaw: string; details: string | null }[]> {
  const { body } = await gateway.graphql<{ complaint: { negotiationHistory: { edges: { node: { operateTypeRaw: string; details: string | null } }[] } } }>(
    'query($id: ID!) { complaint(id: $id) { negotiationHistory(first: 100) { edges { node { operateTypeRaw details } } } } }',
    { id },
  );
  return body.data?.complaint.negotiationHistory.edges.map((edge) => edge.node) ?? [];
}

const calls = (endpoint: string): number => sandboxes.wechatpay.stats()[endpoint] ?? 0;

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  const tokens = configFromSandboxKeys(sandboxes.keys).auth?.tokens ?? [];
  gateway = await startGateway(sandboxes, {
    config: { auth: { tokens: [...tokens, { name: 'writer', sha256: hashAccessToken(WRITER_TOKEN), scopes: ['complaints:write'], merchants: [MERCHANT] }] } },
  });
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('a write whose answer is lost', () => {
  it('reply: OUTCOME_UNKNOWN, then a repeat with the same key finds the reply in the history and sends nothing', async () => {
    const id = await newComplaint();
    const text = `已为您登记退款 ${randomBytes(3).toString('hex')}`;
    await control('/sandbox/faults', { endpoint: 'reply', kind: 'drop-answer' });
    const before = calls('reply');

    const first = await mutate(gateway, REPLY, { id, text, key: 'reply-1' });
    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError', code: 'OUTCOME_UNKNOWN', retryable: false });
    expect(calls('reply')).toBe(before + 1);

    const repeat = await mutate(gateway, REPLY, { id, text, key: 'reply-1' });
    expect(repeat).toEqual({ __typename: 'ReplyToComplaintSuccess', complaintId: id });
    expect(calls('reply')).toBe(before + 1);
    expect((await history(id)).filter((entry) => entry.operateTypeRaw === 'MERCHANT_RESPONSE' && entry.details === text)).toHaveLength(1);

    // Once known, a repeat costs no upstream call at all.
    const reads = calls('getNegotiationHistory') + calls('getComplaint');
    expect(await mutate(gateway, REPLY, { id, text, key: 'reply-1' })).toEqual(repeat);
    expect(calls('getNegotiationHistory') + calls('getComplaint')).toBe(reads);
    expect(calls('reply')).toBe(before + 1);
  });

  it('reply: a request that never reached WeChat is sent by the repeat, once', async () => {
    const id = await newComplaint();
    const text = `请提供订单截图 ${randomBytes(3).toString('hex')}`;
    // `drop` closes the connection before the sandbox handles the request: nothing was applied.
    await control('/sandbox/faults', { endpoint: 'reply', kind: 'drop' });
    expect(await mutate(gateway, REPLY, { id, text, key: 'reply-2' })).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(await mutate(gateway, REPLY, { id, text, key: 'reply-2' })).toMatchObject({ __typename: 'ReplyToComplaintSuccess' });
    expect((await history(id)).filter((entry) => entry.details === text)).toHaveLength(1);
  });

  it('complete and a refund decision: the repeat reads the state or the history instead of sending again', async () => {
    const completed = await newComplaint();
    await control('/sandbox/faults', { endpoint: 'complete', kind: 'drop-answer' });
    const completes = calls('complete');
    expect(await mutate(gateway, COMPLETE, { id: completed, key: 'complete-1' })).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(await mutate(gateway, COMPLETE, { id: completed, key: 'complete-1' })).toMatchObject({ __typename: 'CompleteComplaintSuccess' });
    expect(calls('complete')).toBe(completes + 1);

    const refund = await newComplaint({ problem_type: 'REFUND' });
    await control('/sandbox/faults', { endpoint: 'updateRefundProgress', kind: 'drop-answer' });
    const decisions = calls('updateRefundProgress');
    expect(await mutate(gateway, REJECT, { id: refund, key: 'refund-1' })).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(await mutate(gateway, REJECT, { id: refund, key: 'refund-1' })).toMatchObject({ __typename: 'UpdateRefundProgressSuccess' });
    expect(calls('updateRefundProgress')).toBe(decisions + 1);
    expect((await history(refund)).filter((entry) => entry.operateTypeRaw === 'MERCHANT_REFUSE_RERUND')).toHaveLength(1);
  });

  it('without a key the outcome is still reported as unknown, never as retryable', async () => {
    const id = await newComplaint();
    await control('/sandbox/faults', { endpoint: 'reply', kind: 'drop-answer' });
    expect(await mutate(gateway, REPLY, { id, text: '稍后联系您' })).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
  });
});

describe('idempotency keys', () => {
  it('a repeat returns the first result without a call; the same key with another input is refused', async () => {
    const id = await newComplaint();
    const replies = calls('reply');
    expect(await mutate(gateway, REPLY, { id, text: '第一次回复', key: 'same-key' })).toMatchObject({ __typename: 'ReplyToComplaintSuccess' });
    expect(await mutate(gateway, REPLY, { id, text: '第一次回复', key: 'same-key' })).toMatchObject({ __typename: 'ReplyToComplaintSuccess' });
    expect(calls('reply')).toBe(replies + 1);
    expect(await mutate(gateway, REPLY, { id, text: '另一条回复', key: 'same-key' })).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_ERROR',
    });
    expect(calls('reply')).toBe(replies + 1);
    expect(await mutate(gateway, REPLY, { id, text: '第一次回复', key: 'bad key with spaces' })).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('a caller allowed to write but not to read still learns that its write succeeded', async () => {
    const id = await newComplaint();
    const { body } = await gateway.graphql<{ replyToComplaint: { __typename: string; complaintId: string; complaint: unknown } }>(
      `mutation($id: ID!) { replyToComplaint(input: { complaintId: $id, text: "已处理" }) { __typename ... on ReplyToComplaintSuccess { complaintId complaint { state } } } }`,
      { id },
      { authorization: `Bearer ${WRITER_TOKEN}` },
    );
    expect(body.data?.replyToComplaint).toEqual({ __typename: 'ReplyToComplaintSuccess', complaintId: id, complaint: null });
    expect(body.errors?.[0]?.message).toMatch(/complaints:read/);
  });
});

const connection = await redisOrReason('idempotency across instances sharing Redis');

describe.skipIf('reason' in connection)('idempotency across instances sharing Redis', () => {
  const prefix = uniqueKeyPrefix('idempotency');
  let other: GatewayUnderTest;
  let first: GatewayUnderTest;

  beforeAll(async () => {
    // A generous store timeout: on a loaded CI machine a slow answer would take the outage path instead.
    const shared = { env: { REDIS_URL }, config: { cache: { store: 'redis' as const, keyPrefix: `${prefix}cache:` } }, storeTimeoutMs: 5_000 };
    first = await startGateway(sandboxes, shared);
    other = await startGateway(sandboxes, shared);
  });

  afterAll(async () => {
    await first?.close();
    await other?.close();
    if ('admin' in connection) await dropKeysAndClose(connection.admin, prefix);
  });

  it('an unknown outcome on one instance, the repeat on another: one reply upstream', async () => {
    const id = await newComplaint();
    const text = `跨实例回复 ${randomBytes(3).toString('hex')}`;
    await control('/sandbox/faults', { endpoint: 'reply', kind: 'drop-answer' });
    const replies = calls('reply');
    expect(await mutate(first, REPLY, { id, text, key: 'cross-1' })).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(await mutate(other, REPLY, { id, text, key: 'cross-1' })).toMatchObject({ __typename: 'ReplyToComplaintSuccess' });
    expect(await mutate(first, REPLY, { id, text, key: 'cross-1' })).toMatchObject({ __typename: 'ReplyToComplaintSuccess' });
    expect(calls('reply')).toBe(replies + 1);
    expect((await history(id)).filter((entry) => entry.details === text)).toHaveLength(1);
  });
});
