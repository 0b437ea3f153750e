import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheStore } from '../../src/cache/store.js';
import { createEventLog, type EventLog } from '../../src/events/event-log.js';
import { resolveConfig } from '../../src/config/gateway-config.js';
import { configFromSandboxKeys } from '../../src/sandbox/sandbox-config.js';
import { accountsOf } from '../../src/providers/provider-module.js';
import { wechatPayModule } from '../../src/providers/wechatpay/module.js';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { splitDateRange } from '../../src/domain/paging.js';
import type { ComplaintProvider } from '../../src/providers/provider.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { createWechatPayAccount } from '../../src/providers/wechatpay/account.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { ADMIN_AUTHORIZATION, testAccessTokens } from '../helpers/access-tokens.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';

/**
 * The gateway (yoga's fetch, no HTTP edge) over real WeChat Pay providers talking to the real
 * sandbox over HTTP; upstream calls are counted by the sandbox.
 */
let eventLog: EventLog | undefined;
let sandbox: WechatPaySandbox;
let providers: ComplaintProvider[];
let gateway: Gateway;
let dir: string;

type Result = { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

async function run(query: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const response = await gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...ADMIN_AUTHORIZATION },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result;
}

function delta(before: Record<string, number>, name: string): number {
  return (sandbox.stats()[name] ?? 0) - (before[name] ?? 0);
}

const today = beijingToday(new Date());
const RANGE = { from: addDays(today, -119), to: today };
const PAGE = `query($first: Int, $after: String, $filter: ComplaintFilterInput) {
  complaints(first: $first, after: $after, filter: $filter) {
    edges { node { id complaintId state complainedAt merchant { merchantNo } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, enforceRateLimits: false });
  dir = await mkdtemp(join(tmpdir(), 'gateway-wechatpay-'));
  const config = await resolveConfig(configFromSandboxKeys({ wechatpay: sandbox.keys }), { kind: 'sandbox' }, { env: {}, baseDir: dir });
  providers = accountsOf(config.providers, wechatPayModule).flatMap(({ account: _account, ...options }) => createWechatPayAccount(options).providers);
  eventLog = await createEventLog({ store: 'sqlite', path: join(dir, 'events.sqlite') });
  gateway = createGateway({
    registry: createProviderRegistry(providers),
    accessTokens: testAccessTokens(),
    cache: createCacheStore({ kind: 'memory' }),
    eventLog,
    logger: pino({ level: 'silent' }),
    mediaTokenSecret: createSecretKey(randomBytes(32)),
    options: { mediaUrlBase: (token) => `/media/${token}` },
  });
});

afterAll(async () => {
  await eventLog?.close();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Ground truth straight from the providers: every complaint of the range, window by window. */
async function everyComplaintKey(): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const provider of providers) {
    for (const window of splitDateRange(RANGE, provider.limits.maxWindowDays)) {
      for (let offset = 0; ; offset += provider.limits.maxListPageSize) {
        const page = await provider.listComplaints({ ...window, limit: provider.limits.maxListPageSize, offset });
        for (const complaint of page.complaints) keys.add(`${complaint.key.merchantNo}:${complaint.key.complaintId}`);
        if (page.complaints.length < provider.limits.maxListPageSize) break;
      }
    }
  }
  return keys;
}

describe('gateway over the WeChat Pay sandbox', () => {
  it('pages 120 days across every merchant newest first, to the end, without duplicates or gaps', async () => {
    const seen: string[] = [];
    const times: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result = await run(PAGE, { first: 37, after, filter: RANGE });
      expect(result.errors).toBeUndefined();
      const connection = result.data?.['complaints'];
      for (const { node } of connection.edges) {
        seen.push(`${node.merchant.merchantNo}:${node.complaintId}`);
        times.push(Date.parse(node.complainedAt));
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const expected = await everyComplaintKey();
    expect(expected.size).toBeGreaterThan(100);
    expect(new Set(seen)).toEqual(expected);
  });

  it('asks upstream once for a complaint wanted 50 times, and not at all for details a list returned', async () => {
    const list = await run(PAGE, { first: 20, filter: { from: addDays(today, -10), to: today } });
    const ids: string[] = list.data?.['complaints'].edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(ids.length).toBeGreaterThan(2);

    let before = sandbox.stats();
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: complaint(id: $id) { detail state }`).join('\n');
    const fifty = await run(`query($id: ID!) { ${aliases} }`, { id: ids[1] });
    expect(fifty.errors).toBeUndefined();
    expect(delta(before, 'getComplaint')).toBe(1);

    before = sandbox.stats();
    const primed = await run(
      `query($filter: ComplaintFilterInput, $id: ID!) {
        complaints(first: 20, filter: $filter) { edges { node { detail problemDescription orders { outTradeNo } } } }
        one: complaint(id: $id) { detail }
      }`,
      { filter: { from: addDays(today, -10), to: today }, id: ids[2] },
    );
    expect(primed.errors).toBeUndefined();
    expect(delta(before, 'getComplaint')).toBe(0);
  });

  it('shows detail and history, and a reply changes the state visible right after', async () => {
    const pending = await run(PAGE, { first: 5, filter: { ...RANGE, states: ['PENDING'] } });
    const target = pending.data?.['complaints'].edges[0]?.node;
    expect(target).toBeDefined();
    const DETAIL = `query($id: ID!) { complaint(id: $id) { state detail complainedAt orders { outTradeNo amount } media { urls }
      negotiationHistory(first: 50) { edges { node { logId operateType operatedAt details } } pageInfo { hasNextPage } } } }`;
    const before = await run(DETAIL, { id: target.id });
    expect(before.errors).toBeUndefined();
    expect(before.data?.['complaint'].state).toBe('PENDING');
    const entries = before.data?.['complaint'].negotiationHistory.edges.length as number;
    expect(entries).toBeGreaterThan(0);

    const reply = await run(
      `mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename ... on ReplyToComplaintSuccess { complaint { state } } ... on Error { code message } } }`,
      { input: { complaintId: target.id, text: '您好，已为您安排退款。' } },
    );
    expect(reply.data?.['replyToComplaint']).toEqual({ __typename: 'ReplyToComplaintSuccess', complaint: { state: 'PROCESSING' } });

    const after = await run(DETAIL, { id: target.id });
    expect(after.data?.['complaint'].state).toBe('PROCESSING');
    expect(after.data?.['complaint'].negotiationHistory.edges.length).toBe(entries + 1);
    const listed = await run(PAGE, { first: 100, filter: { ...RANGE, complaintId: target.complaintId } });
    expect(listed.data?.['complaints'].edges.map((edge: { node: { state: string } }) => edge.node.state)).toEqual(['PROCESSING']);
  });
});
