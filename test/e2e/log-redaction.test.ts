import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { merchantGlobalId } from '../helpers/global-ids.js';
import { SANDBOX_ADMIN_TOKEN, sandboxMerchantToken } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Every log line the gateway writes at trace level, through a spread of successful and failing
 * operations, forged webhooks and injected provider faults, is searched for every secret it holds:
 * private keys, APIv3 and sign keys, the media token secret, bearer tokens and the payer phones it
 * decrypted.
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
const lines: string[] = [];
const MEDIA_SECRET = 'media-secret-for-the-redaction-test-0123456789';
const today = beijingToday(new Date());

const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0),
    );
    done();
  },
});

async function fault(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  gateway = await startGateway(sandboxes, { logLevel: 'trace', logDestination: sink, env: { MEDIA_TOKEN_SECRET: MEDIA_SECRET } });
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('logs', () => {
  it('carry no secret and no payer phone, whatever happened', async () => {
    const merchantToken = sandboxMerchantToken('1900000101');
    const tokens = [SANDBOX_ADMIN_TOKEN, merchantToken, 'a-wrong-token-that-must-not-be-logged'];
    const phones = new Set<string>();
    const LIST = `query($filter: ComplaintFilterInput) { complaints(first: 20, filter: $filter) { edges { node { id payerPhone media { urls } } } } }`;
    const range = { from: addDays(today, -29), to: today };

    // Reads, with PII, as two callers.
    for (const token of [SANDBOX_ADMIN_TOKEN, merchantToken]) {
      const { body } = await gateway.graphql<{ complaints: { edges: { node: { id: string; payerPhone: string | null } }[] } }>(
        LIST,
        { filter: range },
        { authorization: `Bearer ${token}` },
      );
      for (const edge of body.data?.complaints.edges ?? []) if (edge.node.payerPhone !== null) phones.add(edge.node.payerPhone);
    }
    expect(phones.size).toBeGreaterThan(0);
    // Provider failures: 500s, a tampered signature, a dropped connection.
    await fault({ kind: 'status', status: 500, count: 5 });
    await gateway.graphql(LIST, { filter: { ...range, from: addDays(today, -59), to: addDays(today, -30) } });
    await fault({ kind: 'tamper-signature', count: 3 });
    await gateway.graphql(LIST, { filter: { ...range, from: addDays(today, -89), to: addDays(today, -60) } });
    // Mutations, a refused one, and a bad token.
    const { body } = await gateway.graphql<{ complaints: { edges: { node: { id: string } }[] } }>(LIST, { filter: range });
    const id = body.data?.complaints.edges[0]?.node.id;
    await gateway.graphql(`mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename } }`, {
      input: { complaintId: id, text: '您好，已处理' },
    });
    await gateway.graphql(
      `mutation($input: SetNotificationUrlInput!) { updateNotificationUrl(input: $input) { __typename } }`,
      {
        input: { merchantId: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: '1900000102' }), url: 'https://x.example/hook' },
      },
      { authorization: `Bearer ${merchantToken}` },
    );
    await gateway.graphql('{ merchants { id } }', undefined, { authorization: `Bearer ${tokens[2]}` });
    // Forged notifications.
    for (const path of ['wechatpay/1900000101', 'huishouqian/x', 'wechatpay/nobody']) {
      await fetch(`${gateway.url}/webhooks/${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'wechatpay-signature': 'Zm9yZ2Vk',
          'wechatpay-serial': 'X',
          'wechatpay-nonce': 'n',
          'wechatpay-timestamp': '1',
        },
        body: '{"id":"forged"}',
      });
    }

    expect(lines.length).toBeGreaterThan(10);
    // The failure paths were logged (and so were searched below), not only the request lines.
    expect(lines.some((line) => line.includes('a merchant failed while listing complaints'))).toBe(true);
    expect(lines.some((line) => line.includes('notification rejected'))).toBe(true);
    const log = lines.join('\n');
    const keys = sandboxes.keys;
    const secrets = [
      ...(keys.wechatpay?.merchants.flatMap((m) => [...m.privateKeyPem.split('\n').slice(1, -2), m.apiV3Key]) ?? []),
      ...(keys.huishouqian?.merchants.flatMap((m) => [...m.privateKeyPem.split('\n').slice(1, -2), m.signKey]) ?? []),
      MEDIA_SECRET,
      ...tokens,
      ...phones,
    ].filter((secret) => secret.length >= 8);
    for (const secret of secrets) expect(log.includes(secret), `a log line holds a secret (${secret.slice(0, 4)}…)`).toBe(false);
    expect(log).not.toMatch(/PRIVATE KEY|Bearer /);
  });
});
