import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/* The upstream cost cap (server.limits.maxUpstreamFields, default 50) over real HTTP, calls counted at the sandbox. */

const OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));
const DIRECT = '1900000101';

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
let complaintId: string;

const upstreamCalls = (): number =>
  Object.values(sandboxes.wechatpay.stats()).reduce((sum, count) => sum + count, 0) +
  Object.values(sandboxes.huishouqian.stats()).reduce((sum, count) => sum + count, 0);
const idOf = (id: string): string => complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: DIRECT, complaintId: id });

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

beforeAll(async () => {
  sandboxes = await startSandboxes();
  gateway = await startGateway(sandboxes);
  const response = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mchid: DIRECT }),
  });
  complaintId = ((await response.json()) as { complaint_id: string }).complaint_id;
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('upstream cost cap', () => {
  it('refuses 100 aliased complaint lookups with a validation error, before any provider call', async () => {
    const fake = (i: number): string => `2002018202601010800766${String(10_000 + i)}`;
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `c${i}: complaint(id: "${idOf(i === 0 ? complaintId : fake(i))}") { state }`).join(' ')} }`;
    const before = upstreamCalls();
    const { status, body } = await gateway.graphql(query);
    expect(status).toBe(400);
    const errors = (body as Body).errors ?? [];
    expect(errors.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errors[0]?.message).toMatch(/more than 50 times/);
    expect((body as Body).data).toBeUndefined();
    expect(upstreamCalls()).toBe(before);
  });

  it('lets a console query through, and 40 aliases of one complaint cost one call', async () => {
    const detail = await readFile(`${OPERATIONS_DIR}complaint-detail.graphql`, 'utf8');
    const { status, body } = await gateway.graphql<{ complaint: { complaintId: string } | null }>(detail, { id: idOf(complaintId) });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.complaint?.complaintId).toBe(complaintId);

    const before = sandboxes.wechatpay.stats()['getComplaint'] ?? 0;
    const fresh = (await (
      await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, { method: 'POST', body: JSON.stringify({ mchid: DIRECT }) })
    ).json()) as { complaint_id: string };
    const aliased = `{ ${Array.from({ length: 40 }, (_, i) => `c${i}: complaint(id: "${idOf(fresh.complaint_id)}") { state }`).join(' ')} }`;
    const many = await gateway.graphql(aliased);
    expect(many.status).toBe(200);
    expect(many.body.errors).toBeUndefined();
    expect((sandboxes.wechatpay.stats()['getComplaint'] ?? 0) - before).toBe(1);
  });

  it('weighs per-item fields by the page size the variables ask for, for the same document alike', async () => {
    const query = 'query($first: Int) { complaints(first: $first) { edges { node { complaintId negotiationHistory(first: 1) { edges { cursor } } } } } }';
    const outcomes: [number, number][] = [];
    // Pass, refuse, pass: a cached validation result of one request must not decide the next.
    for (const first of [5, 60, 5]) {
      const { status } = await gateway.graphql(query, { first });
      outcomes.push([first, status]);
    }
    expect(outcomes).toEqual([
      [5, 200],
      [60, 400],
      [5, 200],
    ]);
  });

  it('treats `first: 100` written in the query as `first: $first` with 100: both run and answer the same', async () => {
    // The list example as clients wrote it before (each edge's cursor): graphql-armor's cost limit refused the literal.
    const selection = '{ edges { cursor node { id provider complaintId state complainedAt detail merchant { name } } } pageInfo { hasNextPage endCursor } }';
    const answers: { status: number; body: Body }[] = [];
    for (const [query, variables] of [
      [`query Literal { complaints(first: 100) ${selection} }`, undefined],
      [`query Variable($first: Int) { complaints(first: $first) ${selection} }`, { first: 100 }],
    ] as const) {
      const { status, body } = await gateway.graphql(query, variables);
      answers.push({ status, body: body as Body });
    }
    expect(answers.map(({ status, body }) => [status, body.errors ?? []])).toEqual([
      [200, []],
      [200, []],
    ]);
    expect(answers[1]?.body.data).toEqual(answers[0]?.body.data);
  });
});
