import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isInterfaceType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { createPng } from '../../src/sandbox/wechatpay/images.js';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import * as apollo from '../clients/apollo.js';
import * as graphqlRequest from '../clients/graphql-request.js';
import * as urql from '../clients/urql.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * The README's "Clients" snippets, run as they are (README.md embeds test/clients/*.ts verbatim,
 * checked below) against the gateway and both sandboxes: each client with its default settings and
 * no header but Authorization. What went over the wire is recorded at the global fetch each client
 * calls, what reached the provider at the sandbox's call counters.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNIPPETS = ['test/clients/urql.ts', 'test/clients/apollo.ts', 'test/clients/graphql-request.ts'];

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
/** What a client sent to the gateway: method, header names and body kind, with the answer's status. */
interface SentRequest {
  method: string;
  headers: string[];
  body: 'none' | 'json' | 'multipart';
  status: number;
}

/**
 * Runs `work` with the global fetch (which all three clients use by default) recorded: the requests
 * to the gateway's GraphQL endpoint, as they went over the wire.
 */
async function recordingRequests<T>(work: () => Promise<T>): Promise<{ result: T; sent: SentRequest[] }> {
  const sent: SentRequest[] = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const answer = await realFetch(input, init);
    if (request.url.startsWith(gateway.graphqlUrl)) {
      const type = request.headers.get('content-type') ?? '';
      sent.push({
        method: request.method,
        headers: [...request.headers.keys()].sort(),
        body: request.body === null ? 'none' : type.startsWith('multipart/form-data') ? 'multipart' : type.startsWith('application/json') ? 'json' : 'none',
        status: answer.status,
      });
    }
    return answer;
  });
  try {
    return { result: await work(), sent };
  } finally {
    spy.mockRestore();
  }
}

/** The headers a request carried besides Accept and Content-Type: only Authorization is expected (no CSRF header). */
const extraHeaders = (sent: SentRequest): string[] => sent.headers.filter((name) => name !== 'accept' && name !== 'content-type');

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  gateway = await startGateway(sandboxes);
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('README "Clients" snippets', () => {
  it('are the files this test runs, verbatim', async () => {
    const readme = await readFile(`${ROOT}README.md`, 'utf8');
    for (const path of SNIPPETS) {
      const embedded = new RegExp(`<!-- ${path.replaceAll('.', '\\.')} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme)?.[1];
      expect(embedded, `README.md embeds ${path}`).toBe(await readFile(`${ROOT}${path}`, 'utf8'));
    }
  });

  it('Apollo: the snippet lists every type implementing Error', () => {
    const error = schema.getType('Error');
    if (!isInterfaceType(error)) throw new Error('no Error interface');
    expect([...apollo.ERROR_TYPES].sort()).toEqual(
      schema
        .getImplementations(error)
        .objects.map((type) => type.name)
        .sort(),
    );
  });

  it('urql: its default client sends queries as GET, and they are answered', async () => {
    const client = urql.createGatewayClient(gateway.graphqlUrl, SANDBOX_ADMIN_TOKEN);
    const { result: pending, sent } = await recordingRequests(() => urql.pendingComplaints(client, 5));
    expect(pending.length).toBeGreaterThan(0);
    expect(pending[0]).toMatchObject({ id: expect.any(String), complaintId: expect.any(String) });
    expect(sent).toMatchObject([{ method: 'GET', body: 'none', status: 200 }]);
    expect(sent.map(extraHeaders)).toEqual([['authorization']]);
  });

  it('Apollo Client with apollo-upload-client: a multipart image upload, then a reply carrying it', async () => {
    const { body } = await gateway.graphql<{ complaints: { edges: { node: { id: string; merchant: { id: string } } }[] } }>(
      'query($filter: ComplaintFilterInput) { complaints(first: 1, filter: $filter) { edges { node { id merchant { id } } } } }',
      { filter: { providers: ['WECHAT_PAY'], states: ['PENDING'] } },
    );
    const target = body.data?.complaints.edges[0]?.node;
    if (target === undefined) throw new Error('no pending WeChat Pay complaint in the seed');
    const before = sandboxes.wechatpay.stats();
    // Apollo warns here when it cannot match a fragment (and may drop its fields).
    const warn = vi.spyOn(console, 'warn');
    try {
      const client = apollo.createGatewayClient(gateway.graphqlUrl, SANDBOX_ADMIN_TOKEN);
      const image = new File([new Uint8Array(createPng(16))], 'receipt.png', { type: 'image/png' });
      const { result: state, sent } = await recordingRequests(() =>
        apollo.replyWithImage(client, { id: target.id, merchantId: target.merchant.id }, '已为您退款，凭证见图。', image),
      );
      expect(state).toBe('PROCESSING');
      expect(sent).toMatchObject([
        { method: 'POST', body: 'multipart', status: 200 },
        { method: 'POST', body: 'json', status: 200 },
      ]);
      expect(sent.map(extraHeaders)).toEqual([['authorization'], ['authorization']]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    const after = sandboxes.wechatpay.stats();
    expect((after['uploadImage'] ?? 0) - (before['uploadImage'] ?? 0)).toBe(1);
    expect((after['reply'] ?? 0) - (before['reply'] ?? 0)).toBe(1);
  });

  it('graphql-request: its default client polls the notification feed from a kept cursor', async () => {
    const client = graphqlRequest.createGatewayClient(gateway.graphqlUrl, SANDBOX_ADMIN_TOKEN);
    const { result: first, sent } = await recordingRequests(() => graphqlRequest.pollComplaintEvents(client, null));
    expect(sent).toMatchObject([{ method: 'POST', body: 'json', status: 200 }]);
    expect(sent.map(extraHeaders)).toEqual([['authorization']]);
    const { cursor } = first;
    // A new complaint at the Huishouqian sandbox, notified to this gateway's webhook.
    const control = async (path: string, method: string, payload: unknown): Promise<Record<string, string>> => {
      const answer = await fetch(`${sandboxes.huishouqian.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      expect(answer.status).toBeLessThan(300);
      return (await answer.json()) as Record<string, string>;
    };
    await control('/sandbox/notification-url', 'PUT', { url: `${gateway.url}/webhooks/huishouqian/${sandboxes.keys.huishouqian?.agentMerchantNo}` });
    const filed = await control('/sandbox/complaints', 'POST', { merchantNo: sandboxes.keys.huishouqian?.merchants[0]?.merchantNo });
    const deadline = Date.now() + 10_000;
    let page = await graphqlRequest.pollComplaintEvents(client, cursor);
    while (!page.events.some((event) => event.complaintId === filed['complaintId']) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = await graphqlRequest.pollComplaintEvents(client, cursor);
    }
    expect(page.events.find((event) => event.complaintId === filed['complaintId'])).toMatchObject({ provider: 'HUISHOUQIAN', actionType: 'CREATE_COMPLAINT' });
    expect(page.cursor).not.toBe(cursor);
  });
});
