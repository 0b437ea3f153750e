import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { merchantGlobalId } from '../helpers/global-ids.js';
import { sandboxMerchantToken } from '../../src/server/auth/demo-tokens.js';
import { recordWechatPayNotifications, type RecordedNotification } from '../helpers/notification-recorder.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Notifications are no side channel between tenants: one for merchant X drops only the cached
 * responses that may show X, a redelivered (or replayed) one drops nothing, and X's tenant sees the
 * change at once. Observed through the response cache's ETags (a 304 means the cached response
 * survived) and the sandbox's call counters.
 */

const X = '1900000101'; // WeChat Pay direct merchant whose notifications arrive
const Y = '1900000102'; // another direct merchant (another account) of the same gateway
const TOKEN = { x: sandboxMerchantToken(X), y: sandboxMerchantToken(Y) } as const;

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
let recorded: RecordedNotification;

const today = beijingToday(new Date());
const LIST = `query($filter: ComplaintFilterInput) { complaints(first: 100, filter: $filter) { edges { node { complaintId state } } } }`;

interface Listed {
  status: number;
  etag: string | null;
  ids: string[];
}

/** LIST over HTTP as a tenant, optionally conditional; a 304 has no ids. */
async function list(token: string, ifNoneMatch?: string | null): Promise<Listed> {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${token}`,
      ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}),
    },
    body: JSON.stringify({ query: LIST, variables: { filter: { from: addDays(today, -29), to: today } } }),
  });
  if (response.status === 304) return { status: 304, etag: response.headers.get('etag'), ids: [] };
  const body = (await response.json()) as { data?: { complaints: { edges: { node: { complaintId: string } }[] } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return { status: response.status, etag: response.headers.get('etag'), ids: body.data?.complaints.edges.map((edge) => edge.node.complaintId) ?? [] };
}

/** Every call the WeChat Pay sandbox answered so far. */
function upstreamCalls(): number {
  return Object.values(sandboxes.wechatpay.stats()).reduce((sum, count) => sum + count, 0);
}

async function deliver(notification: RecordedNotification): Promise<number> {
  const response = await fetch(`${gateway.url}/webhooks/wechatpay/${X}`, {
    method: 'POST',
    headers: notification.headers,
    body: new Uint8Array(notification.body),
  });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ notificationTimeScale: 0.001 });
  // A real signed notification about X, never delivered to the gateway yet: replayed below.
  [recorded] = (await recordWechatPayNotifications(sandboxes, X, 1)) as [RecordedNotification];
  // A minute of response cache, so only an invalidation (never the TTL) can drop a response here.
  gateway = await startGateway(sandboxes, { config: { server: { responseCacheTtlMs: 60_000 } } });
  // X's account notifies the recorder now; point it at this gateway's own webhook.
  const pointed = await gateway.graphql(
    `mutation($input: SetNotificationUrlInput!) { updateNotificationUrl(input: $input) { __typename ... on UpdateNotificationUrlSuccess { url } ... on Error { code message } } }`,
    { input: { merchantId: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: X }) } },
  );
  expect(pointed.body.data).toEqual({ updateNotificationUrl: { __typename: 'UpdateNotificationUrlSuccess', url: `${gateway.url}/webhooks/wechatpay/${X}` } });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('notifications and the response cache, per tenant', () => {
  it("a notification for X leaves Y's tenant's cached response, and X's tenant sees the new complaint", async () => {
    const y = await list(TOKEN.y);
    expect(y.status).toBe(200);
    expect(y.etag).not.toBeNull();
    await list(TOKEN.x);

    const filed = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mchid: X }),
    });
    const { complaint_id: complaintId } = (await filed.json()) as { complaint_id: string };
    // Without the notification's invalidation X would read its cached list for a minute.
    let x: Listed = await list(TOKEN.x);
    for (let attempt = 0; attempt < 100 && !x.ids.includes(complaintId); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      x = await list(TOKEN.x);
    }
    expect(x.ids).toContain(complaintId);

    // Y: the same cached response, not one upstream call.
    const calls = upstreamCalls();
    const conditional = await list(TOKEN.y, y.etag);
    expect(conditional.status).toBe(304);
    expect(conditional.etag).toBe(y.etag);
    const again = await list(TOKEN.y);
    expect(again).toEqual({ ...y, ids: y.ids });
    expect(upstreamCalls()).toBe(calls);
  });

  it('a redelivered notification invalidates nothing, its first delivery only what may show its merchant', async () => {
    const before = { x: await list(TOKEN.x), y: await list(TOKEN.y) };
    expect(await deliver(recorded)).toBe(204);
    // The first delivery drops X's responses (a new ETag), not Y's.
    const x = await list(TOKEN.x);
    expect(x.status).toBe(200);
    expect(x.etag).not.toBe(before.x.etag);
    expect((await list(TOKEN.y, before.y.etag)).status).toBe(304);

    const calls = upstreamCalls();
    expect(await deliver(recorded)).toBe(204);
    expect((await list(TOKEN.x, x.etag)).status).toBe(304);
    expect((await list(TOKEN.y, before.y.etag)).status).toBe(304);
    expect(upstreamCalls()).toBe(calls);
  });
});
