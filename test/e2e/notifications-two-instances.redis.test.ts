import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWechatPayNotifications, seededRandom, type RecordedNotification } from '../helpers/notification-recorder.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Two real gateway instances sharing the machine's Redis (event log and cache) receive the
 * sandbox's real notifications interleaved: every one at both instances at once, some again
 * later. One log, no duplicates, and both serve the same feed, a cursor of one working on the other.
 */

const MERCHANT = '1900000101';
const NOTIFICATIONS = 150;
const connection = await redisOrReason('two gateway instances on Redis');
const prefix = uniqueKeyPrefix('two-instances');

let sandboxes: Sandboxes;
let instances: GatewayUnderTest[] = [];
let originals: RecordedNotification[];

interface FeedPage {
  complaintEvents: { edges: { cursor: string; node: { notificationId: string } }[]; pageInfo: { hasNextPage: boolean } };
}
const FEED = `query($after: String) { complaintEvents(first: 9, after: $after) { edges { cursor node { notificationId } } pageInfo { hasNextPage } } }`;

/** The whole feed through GraphQL, pages of 9 alternating between the given instances. */
async function readFeed(readers: readonly GatewayUnderTest[]): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; ; page++) {
    const reader = readers[page % readers.length] as GatewayUnderTest;
    const variables: Record<string, unknown> = { after };
    const { body } = await reader.graphql<FeedPage>(FEED, variables);
    expect(body.errors).toBeUndefined();
    const connectionPage = body.data?.complaintEvents;
    for (const edge of connectionPage?.edges ?? []) {
      ids.push(edge.node.notificationId);
      after = edge.cursor;
    }
    if (!connectionPage?.pageInfo.hasNextPage) return ids;
  }
}

describe.skipIf('reason' in connection)('two gateway instances sharing Redis', () => {
  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
    originals = await recordWechatPayNotifications(sandboxes, MERCHANT, NOTIFICATIONS);
    // Instances of one deployment share the secret that signs cursors, as they share the stores.
    const shared = {
      env: { REDIS_URL, MEDIA_TOKEN_SECRET: randomBytes(32).toString('hex') },
      config: {
        eventLog: { store: 'redis' as const, keyPrefix: `${prefix}events:` },
        cache: { store: 'redis' as const, keyPrefix: `${prefix}cache:` },
      },
    };
    instances = [await startGateway(sandboxes, shared), await startGateway(sandboxes, shared)];
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await sandboxes?.close();
    if ('admin' in connection) await dropKeysAndClose(connection.admin, prefix);
  });

  it('keeps one feed without duplicates, served alike by both', async () => {
    const next = seededRandom(20261124);
    const deliver = async (instance: GatewayUnderTest, notification: RecordedNotification): Promise<number> => {
      const response = await fetch(`${instance.url}/webhooks/wechatpay/${MERCHANT}`, {
        method: 'POST',
        headers: notification.headers,
        body: new Uint8Array(notification.body),
      });
      await response.arrayBuffer();
      return response.status;
    };
    // Both instances get each notification concurrently; a quarter come back once more, to either.
    const statuses = await Promise.all(
      originals.map(async (notification) => {
        const both = await Promise.all(instances.map((instance) => deliver(instance, notification)));
        const again = next() < 0.25 ? [await deliver(instances[next() < 0.5 ? 0 : 1] as GatewayUnderTest, notification)] : [];
        return [...both, ...again];
      }),
    );
    expect(new Set(statuses.flat())).toEqual(new Set([204]));

    const fromFirst = await readFeed([instances[0] as GatewayUnderTest]);
    expect(fromFirst).toHaveLength(NOTIFICATIONS);
    expect(new Set(fromFirst)).toEqual(new Set(originals.map((notification) => notification.id)));
    expect(await readFeed([instances[1] as GatewayUnderTest])).toEqual(fromFirst);
    // Cursors are the shared log's: paging alternately on both instances reads the same feed.
    expect(await readFeed(instances)).toEqual(fromFirst);
  }, 60_000);
});
