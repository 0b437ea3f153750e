import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Retention over real HTTP: notifications from the sandbox land in the feed, the log (retention from
 * EVENT_LOG_RETENTION_DAYS) is pruned, and a client resuming from a pruned cursor gets the typed error.
 */

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
const DAY_MS = 86_400_000;

const FEED = `query($after: String) {
  complaintEvents(first: 50, after: $after) { edges { cursor node { notificationId } } pageInfo { endCursor } }
}`;

type Feed = { complaintEvents: { edges: { cursor: string; node: { notificationId: string } }[]; pageInfo: { endCursor: string | null } } };

async function fileComplaint(): Promise<void> {
  const response = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mchid: sandboxes.keys.wechatpay?.merchants[0]?.mchid, complaint_detail: '重复扣款' }),
  });
  expect(response.status).toBe(201);
}

/** Polls the feed until it holds `count` events (the sandbox notifies asynchronously), with a deadline. */
async function feedOf(count: number): Promise<Feed['complaintEvents']> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await gateway.graphql<Feed>(FEED);
    const connection = body.data?.complaintEvents;
    if ((connection?.edges.length ?? 0) >= count || Date.now() > deadline) {
      expect(body.errors).toBeUndefined();
      return connection ?? { edges: [], pageInfo: { endCursor: null } };
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ notificationTimeScale: 0.001 });
  gateway = await startGateway(sandboxes, { env: { EVENT_LOG_RETENTION_DAYS: '1' } });
  const wechat = sandboxes.keys.wechatpay?.merchants.find((m) => m.kind === 'direct');
  const merchants = await gateway.graphql<{ merchants: { id: string; merchantNo: string }[] }>('{ merchants { id merchantNo } }');
  const merchantId = merchants.body.data?.merchants.find((m) => m.merchantNo === wechat?.mchid)?.id;
  const created = await gateway.graphql(`mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename } }`, {
    input: { merchantId, url: `${gateway.url}/webhooks/wechatpay/${wechat?.mchid}` },
  });
  expect(created.body.data).toEqual({ createNotificationUrl: { __typename: 'CreateNotificationUrlSuccess' } });
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('event log retention end to end', () => {
  it('answers a cursor older than the retention with EVENT_CURSOR_EXPIRED, and the feed restarts from the oldest event kept', async () => {
    await fileComplaint();
    await fileComplaint();
    const before = await feedOf(2);
    expect(before.edges).toHaveLength(2);
    // A poller that read the first event only: its cursor is below the watermark once both are pruned.
    const cursor = before.edges[0]?.cursor;

    // Two days on, with one day configured: both events are past the horizon.
    expect(await gateway.app.eventLog.prune(new Date(Date.now() + 2 * DAY_MS))).toEqual({ removed: 2 });
    // A poller that had read both misses nothing: its cursor is the watermark.
    const caughtUp = await gateway.graphql<Feed>(FEED, { after: before.pageInfo.endCursor });
    expect(caughtUp.body).toEqual({ data: { complaintEvents: { edges: [], pageInfo: { endCursor: null } } } });
    const expired = await gateway.graphql<Feed>(FEED, { after: cursor });
    expect(expired.status).toBe(200);
    expect(expired.body.data?.complaintEvents ?? null).toBeNull();
    expect(expired.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'EVENT_CURSOR_EXPIRED' }, message: expect.stringContaining('restart without `after`') }),
    ]);

    await fileComplaint();
    const restarted = await feedOf(1);
    expect(restarted.edges).toHaveLength(1);
    expect(before.edges.map((edge) => edge.node.notificationId)).not.toContain(restarted.edges[0]?.node.notificationId);
  });

  it('keeps what is younger than the retention', async () => {
    expect(await gateway.app.eventLog.prune(new Date(Date.now() + DAY_MS / 2))).toEqual({ removed: 0 });
    expect((await feedOf(1)).edges).toHaveLength(1);
  });
});
