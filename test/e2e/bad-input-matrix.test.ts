import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { merchantGlobalId } from '../helpers/global-ids.js';
import { SANDBOX_ADMIN_TOKEN, sandboxMerchantToken } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * One table of bad inputs over real HTTP. Each row gives the documented answer (HTTP status and
 * error code), and afterwards neither sandbox has seen a single request more, the complaint it
 * aimed at is unchanged and the event log holds nothing new: nothing is lost or half-written.
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
let target: { id: string; complaintId: string };

const OWN = '1900000101';
const FOREIGN = '1900000102';
const today = beijingToday(new Date());
const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
const WECHAT_MAX_IMAGE_BYTES = 2 * 1024 * 1024;

interface Answer {
  status: number;
  /** The first error's `extensions.code`, a mutation result's `code`, or a webhook body's `code`. */
  code: string | undefined;
  text: string;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[]; data?: Record<string, { code?: string } | null>; code?: string };
    code = body.errors?.[0]?.extensions?.code ?? Object.values(body.data ?? {})[0]?.code ?? body.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, text };
}

function post(body: string, token = SANDBOX_ADMIN_TOKEN, contentType = 'application/json'): Promise<Answer> {
  return fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body,
  }).then(answer);
}

function operation(query: string, variables?: Record<string, unknown>, token?: string): Promise<Answer> {
  return post(JSON.stringify({ query, variables }), token);
}

function upload(name: string, type: string, content: Buffer): Promise<Answer> {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: 'mutation($m: ID!, $f: File!) { uploadImage(merchantId: $m, file: $f) { __typename ... on Error { code } } }',
      variables: { m: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: OWN }), f: null },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob([new Uint8Array(content)], { type }), name);
  return fetch(gateway.graphqlUrl, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`, 'x-graphql-yoga-csrf': '1' },
  }).then(answer);
}

const REPLY = `mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename ... on Error { code } } }`;
const LIST = `query($filter: ComplaintFilterInput, $first: Int) { complaints(filter: $filter, first: $first) { edges { cursor } } }`;

interface Row {
  name: string;
  send: () => Promise<Answer>;
  status: number;
  code: string;
}

const ROWS: Row[] = [
  { name: 'malformed JSON', send: () => post('{"query": "{ merchants { id } }"'), status: 400, code: 'BAD_REQUEST' },
  { name: 'invalid GraphQL', send: () => operation('{ merchants { id }'), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'unknown field', send: () => operation('{ merchants { id secretKey } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'wrong variable type',
    send: () => operation('query($id: ID!) { complaint(id: $id) { id } }', { id: { $ne: null } }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'garbled global id',
    send: () => operation('query($id: ID!) { complaint(id: $id) { id } }', { id: 'Q29tcGxhaW50Oi4uLw' }),
    status: 200,
    code: 'VALIDATION_ERROR',
  },
  {
    name: 'a merchant id where a complaint id belongs',
    send: () => operation(REPLY, { input: { complaintId: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: OWN }), text: 'x' } }),
    status: 200,
    code: 'VALIDATION_ERROR',
  },
  {
    name: "a foreign merchant's complaint, as a merchant token",
    send: () =>
      operation(
        REPLY,
        { input: { complaintId: complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: FOREIGN, complaintId: target.complaintId }), text: 'x' } },
        sandboxMerchantToken(OWN),
      ),
    status: 200,
    code: 'NOT_FOUND',
  },
  { name: 'inverted date range', send: () => operation(LIST, { filter: { from: today, to: addDays(today, -3) } }), status: 200, code: 'VALIDATION_ERROR' },
  { name: 'absurd date range', send: () => operation(LIST, { filter: { from: '2000-01-01', to: today } }), status: 200, code: 'VALIDATION_ERROR' },
  { name: 'date in the future', send: () => operation(LIST, { filter: { from: today, to: addDays(today, 40) } }), status: 200, code: 'VALIDATION_ERROR' },
  { name: 'impossible date', send: () => operation(LIST, { filter: { from: '2026-02-30' } }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'first above the limit', send: () => operation(LIST, { first: 101 }), status: 200, code: 'VALIDATION_ERROR' },
  {
    name: 'reply text too long',
    send: () => operation(REPLY, { input: { complaintId: target.id, text: '好'.repeat(201) } }),
    status: 200,
    code: 'VALIDATION_ERROR',
  },
  {
    name: 'too many reply images',
    send: () => operation(REPLY, { input: { complaintId: target.id, text: 'ok', imageMediaIds: ['a', 'b', 'c', 'd', 'e'] } }),
    status: 200,
    code: 'VALIDATION_ERROR',
  },
  {
    name: 'image too large',
    send: () => upload('big.png', 'image/png', Buffer.concat([PNG_SIGNATURE, Buffer.alloc(WECHAT_MAX_IMAGE_BYTES)])),
    status: 200,
    code: 'VALIDATION_ERROR',
  },
  {
    name: 'not an image, whatever its name says',
    send: () => upload('photo.png', 'image/png', Buffer.from('<svg onload="alert(1)"/>')),
    status: 200,
    code: 'VALIDATION_ERROR',
  },
  {
    name: 'oversized request body',
    send: () => operation('{ merchants { id } }', { padding: 'x'.repeat(2 * 1024 * 1024) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'forged WeChat Pay notification',
    send: () =>
      fetch(`${gateway.url}/webhooks/wechatpay/${OWN}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'wechatpay-serial': 'PUB_KEY_ID_0000000000000000',
          'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
          'wechatpay-nonce': 'n0nce',
          'wechatpay-signature': Buffer.alloc(256, 7).toString('base64'),
        },
        body: JSON.stringify({ id: 'forged-1', event_type: 'COMPLAINT.CREATE', resource: { ciphertext: 'AAAA', nonce: 'x', associated_data: 'y' } }),
      }).then(answer),
    status: 401,
    code: 'FAIL',
  },
];

/** Sandbox routes that only read: the snapshot's own reads (cache misses) count there. */
const READ_ROUTE = /^(list|get|query|download)/;

/** What a bad input must not change: upstream writes, the target complaint, the event log. */
async function snapshot(): Promise<string> {
  const stats = await Promise.all(
    [sandboxes.wechatpay.baseUrl, sandboxes.huishouqian.baseUrl].map(async (base) => {
      const counts = (await (await fetch(`${base}/sandbox/stats`)).json()) as Record<string, number>;
      return Object.entries(counts).filter(([route]) => !READ_ROUTE.test(route));
    }),
  );
  const complaint = await gateway.graphql(`query($id: ID!) { complaint(id: $id) { state negotiationHistory(first: 50) { edges { node { logId } } } } }`, {
    id: target.id,
  });
  const events = await gateway.graphql('{ complaintEvents(first: 100) { edges { cursor } } }');
  return JSON.stringify({ stats, complaint: complaint.body, events: events.body });
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  gateway = await startGateway(sandboxes);
  const pending = await gateway.graphql<{ complaints: { edges: { node: { id: string; complaintId: string } }[] } }>(
    LIST.replace('edges { cursor }', 'edges { node { id complaintId } }'),
    {
      filter: { states: ['PENDING'], merchantIds: [merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: OWN })], from: addDays(today, -60), to: today },
    },
  );
  const first = pending.body.data?.complaints.edges[0]?.node;
  if (first === undefined) throw new Error('no pending complaint to aim at');
  target = first;
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('bad inputs', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.status} ${row.code}, and nothing changed`, async () => {
      const before = await snapshot();
      const got = await row.send();
      expect({ status: got.status, code: got.code }, got.text.slice(0, 300)).toEqual({ status: row.status, code: row.code });
      expect(got.text).not.toMatch(/at .+\.(ts|js):\d+|PRIVATE KEY|stack/);
      expect(await snapshot()).toBe(before);
    });
  }
});
