import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Property tests over real HTTP (fast-check, fixed seeds so a failure replays): random operations,
 * variables and webhook bodies never crash the gateway, never get a 500 without a typed error, never
 * echo a secret, and random webhook bodies never reach the event log.
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
let secrets: string[];

/** Pieces of real operations, so that random ones get past the parser often enough to matter. */
const FIELDS = [
  'merchants { id name merchantNo capabilities notificationUrl }',
  'complaints(first: 3) { edges { cursor node { id state payerPhone media { urls } negotiationHistory(first: 2) { edges { node { logId } } } } } }',
  'complaint(id: $id) { id detail payerPhone }',
  'node(id: $id) { id ... on Complaint { state } ... on Merchant { name } }',
  'complaintEvents(first: 5, after: $after) { edges { cursor } }',
  '__schema { types { name } }',
  '__typename',
];
const MUTATIONS = [
  'replyToComplaint(input: { complaintId: $id, text: $text }) { __typename ... on Error { code } }',
  'completeComplaint(input: { complaintId: $id }) { __typename }',
  'deleteNotificationUrl(input: { merchantId: $id }) { __typename }',
];

const VARIABLE_TYPES: Record<string, string> = { id: 'ID!', after: 'String', text: 'String!' };

/** `kind($v: T, ...) { body }` declaring exactly the variables the body uses (an unused one is invalid). */
function document(kind: 'query' | 'mutation', body: string): string {
  const used = [...new Set([...body.matchAll(/\$(\w+)/g)].map((match) => match[1] ?? ''))];
  const definitions = used.map((name) => `$${name}: ${VARIABLE_TYPES[name] ?? 'String'}`).join(', ');
  return `${kind}${definitions === '' ? '' : `(${definitions})`} { ${body} }`;
}

const operation = fc.oneof(
  // Well-formed queries and mutations over random arguments.
  { arbitrary: fc.subarray(FIELDS, { minLength: 1 }).map((fields) => document('query', fields.join(' '))), weight: 4 },
  { arbitrary: fc.constantFrom(...MUTATIONS).map((mutation) => document('mutation', mutation)), weight: 2 },
  // The same, damaged: characters cut out or inserted anywhere.
  {
    arbitrary: fc.tuple(fc.constantFrom(...FIELDS, ...MUTATIONS), fc.nat(200), fc.nat(5), fc.string({ maxLength: 5 })).map(([body, at, cut, insert]) => {
      const text = document('query', body);
      const position = at % text.length;
      return text.slice(0, position) + insert + text.slice(position + cut);
    }),
    weight: 2,
  },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
);

const variables = fc.record(
  {
    // Mostly ids of the right shape (base64url of "Type:PROVIDER:merchant[:complaint]"), some garbage.
    id: fc.oneof(
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom('Complaint', 'Merchant', 'Nope'),
            fc.constantFrom('WECHAT_PAY', 'HUISHOUQIAN', 'X'),
            fc.constantFrom('1900000101', '1900000102', '1'),
            fc.string({ maxLength: 20 }),
          )
          .map((parts) => Buffer.from(parts.join(':')).toString('base64url')),
        weight: 6,
      },
      { arbitrary: fc.string({ maxLength: 80 }), weight: 2 },
      { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
    ),
    after: fc.oneof(fc.constant(null), fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 120 })),
    text: fc.oneof({ arbitrary: fc.string({ maxLength: 300 }), weight: 9 }, { arbitrary: fc.integer(), weight: 1 }),
  },
  { requiredKeys: ['id', 'text'] },
);

// Rarely set: a name that matches no operation makes the request fail before anything interesting.
const operationName = fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.string({ maxLength: 30 }), weight: 1 });

function expectNoSecret(text: string): void {
  for (const secret of secrets) expect(text.includes(secret), `answer echoes a secret: ${text.slice(0, 200)}`).toBe(false);
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+|BEGIN [A-Z ]*PRIVATE KEY/);
}

/** A 500 is acceptable only as a typed GraphQL error; anything else must be a client error or success. */
function expectTypedAnswer(status: number, text: string): void {
  if (status < 500) return;
  const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
  expect(
    body.errors?.every((error) => typeof error.extensions?.code === 'string'),
    text.slice(0, 200),
  ).toBe(true);
}

async function eventCount(): Promise<number> {
  const { body } = await gateway.graphql<{ complaintEvents: { edges: unknown[] } }>('{ complaintEvents(first: 100) { edges { cursor } } }');
  return body.data?.complaintEvents.edges.length ?? -1;
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  gateway = await startGateway(sandboxes);
  const keys = sandboxes.keys;
  // A key's middle line is enough to recognise it, whatever wraps or re-encodes the rest.
  const pemLine = (pem: string): string => pem.split('\n')[5] ?? pem;
  secrets = [
    ...(keys.wechatpay?.merchants.flatMap((m) => [pemLine(m.privateKeyPem), m.apiV3Key]) ?? []),
    ...(keys.huishouqian?.merchants.flatMap((m) => [pemLine(m.privateKeyPem), m.signKey]) ?? []),
  ];
  expect(secrets.length).toBeGreaterThan(4);
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('random input', () => {
  it('random operations and variables: no crash, no untyped 500, no secret', async () => {
    await fc.assert(
      fc.asyncProperty(operation, variables, operationName, async (query, vars, name) => {
        const response = await fetch(gateway.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` },
          body: JSON.stringify({ query, variables: vars, ...(name === undefined ? {} : { operationName: name }) }),
        });
        const text = await response.text();
        expectTypedAnswer(response.status, text);
        expectNoSecret(text);
      }),
      { numRuns: 250, seed: 20261122 },
    );
    // Still serving after all that.
    expect((await gateway.graphql('{ merchants { id } }')).status).toBe(200);
  });

  it('random webhook bodies and headers: refused with a client error, nothing appended', async () => {
    const before = await eventCount();
    const wechatAccount = sandboxes.keys.wechatpay?.merchants[0]?.mchid ?? 'none';
    const huishouqianAccount = sandboxes.keys.huishouqian?.agentMerchantNo ?? 'none';
    const header = fc.option(
      fc.string({ maxLength: 40 }).filter((value) => /^[\x20-\x7e]*$/.test(value)),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(`wechatpay/${wechatAccount}`, `huishouqian/${huishouqianAccount}`, 'wechatpay/unknown', 'huishouqian/x'),
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.json({ maxDepth: 3 }),
          fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
        ),
        fc.record({ serial: header, timestamp: header, nonce: header, signature: header }),
        async (path, body, headers) => {
          const sent: Record<string, string> = { 'content-type': path.startsWith('huishouqian') ? 'application/x-www-form-urlencoded' : 'application/json' };
          if (headers.serial !== undefined) sent['wechatpay-serial'] = headers.serial;
          if (headers.timestamp !== undefined) sent['wechatpay-timestamp'] = headers.timestamp;
          if (headers.nonce !== undefined) sent['wechatpay-nonce'] = headers.nonce;
          if (headers.signature !== undefined) sent['wechatpay-signature'] = headers.signature;
          const response = await fetch(`${gateway.url}/webhooks/${path}`, { method: 'POST', headers: sent, body });
          const text = await response.text();
          expect([400, 401, 404], text).toContain(response.status);
          expectNoSecret(text);
        },
      ),
      { numRuns: 200, seed: 20261123 },
    );
    expect(await eventCount()).toBe(before);
  });
});
