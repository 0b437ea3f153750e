import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWechatPayNotifications, seededRandom, type RecordedNotification } from '../helpers/notification-recorder.js';
import { postgresOrReason } from '../helpers/postgres.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest, type StartGatewayOptions } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Two real gateway instances sharing one store receive the sandbox's real notifications
 * interleaved: every one at both instances at once, some again later. One log, no duplicates, and
 * both serve the same feed, a cursor of one working on the other. Run for each shared store: the
 * machine's Redis (event log and cache) and its PostgreSQL (event log; each instance its own
 * memory cache); each skips with a reason where its server is absent.
 */

const MERCHANT = '1900000101';
const NOTIFICATIONS = 150;
const redis = await redisOrReason('two gateway instances on Redis');
const postgres = await postgresOrReason('two gateway instances on PostgreSQL');
const prefix = uniqueKeyPrefix('two-instances');

interface SharedStore {
  name: string;
  skip: boolean;
  /** What both instances are configured with. */
  options(): Promise<Pick<StartGatewayOptions, 'config' | 'env'>>;
  dispose(): Promise<void>;
}

const SHARED_STORES: SharedStore[] = [
  {
    name: 'Redis',
    skip: 'reason' in redis,
    options: async () => ({
      env: { REDIS_URL },
      config: {
        eventLog: { store: 'redis' as const, keyPrefix: `${prefix}events:` },
        cache: { store: 'redis' as const, keyPrefix: `${prefix}cache:` },
      },
    }),
    dispose: async () => {
      if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
    },
  },
  {
    name: 'PostgreSQL',
    skip: 'reason' in postgres,
    options: async () => ({
      env: { EVENT_LOG_STORE: 'postgres', DATABASE_URL: 'admin' in postgres ? await postgres.admin.createDatabase('two_instances') : '' },
    }),
    dispose: async () => {
      if ('admin' in postgres) await postgres.admin.close();
    },
  },
];

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

describe.each(SHARED_STORES)('two gateway instances sharing $name', (store) => {
  let sandboxes: Sandboxes;
  let instances: GatewayUnderTest[] = [];
  let originals: RecordedNotification[];

  beforeAll(async () => {
    if (store.skip) return;
    sandboxes = await startSandboxes({ enforceRateLimits: false, notificationTimeScale: 0.001 });
    originals = await recordWechatPayNotifications(sandboxes, MERCHANT, NOTIFICATIONS);
    // Instances of one deployment share the secret that signs cursors, as they share the stores.
    const options = await store.options();
    const shared = { ...options, env: { ...options.env, MEDIA_TOKEN_SECRET: randomBytes(32).toString('hex') } };
    instances = [await startGateway(sandboxes, shared), await startGateway(sandboxes, shared)];
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await sandboxes?.close();
    await store.dispose();
  });

  it.skipIf(store.skip)(
    'keeps one feed without duplicates, served alike by both',
    async () => {
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
    },
    60_000,
  );
});
