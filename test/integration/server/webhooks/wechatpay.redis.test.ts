import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog, type EventLog } from '../../../../src/events/event-log.js';
import { createFixedClock } from '../../../helpers/fixed-clock.js';
import type { WebhookRequest } from '../../../../src/server/webhooks/notification-intake.js';
import { wechatPayModule } from '../../../../src/providers/wechatpay/module.js';
import { createProviderWebhook } from '../../../../src/server/webhooks/notification-intake.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../../helpers/redis.js';
import { createDelivery, createReferenceReceiver, type WechatPayNotificationKeys } from '../../../unit/server/webhooks/wechatpay-notification-fixture.js';

const keyPrefix = uniqueKeyPrefix('webhook');
const clock = createFixedClock(Date.parse('2026-11-22T11:00:00.000Z'));
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const connection = await redisOrReason('wechatpay.redis webhook tests');

describe.skipIf('reason' in connection)('WeChat Pay webhook: two gateway instances sharing Redis', () => {
  let keys: WechatPayNotificationKeys;
  const logs: EventLog[] = [];

  beforeAll(() => {
    const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      mchid: '1900000001',
      apiV3Key: 'a7c9e1b3d5f70e2c4a6b8d0f1e3c5a79',
      keyId: 'PUB_KEY_ID_0119000000012026112200000000000001',
      platformPrivateKey: platform.privateKey,
      platformPublicKey: platform.publicKey,
    };
  });

  afterAll(async () => {
    for (const log of logs) await log.close();
    if ('admin' in connection) await dropKeysAndClose(connection.admin, keyPrefix);
  });

  it('keeps one feed without duplicates when both receive interleaved and repeated deliveries', async () => {
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const eventLog = await createEventLog({ store: 'redis', url: REDIS_URL, keyPrefix });
        logs.push(eventLog);
        const handler = createProviderWebhook(wechatPayModule, {
          receivers: new Map([['main', createReferenceReceiver(keys, clock)]]),
          eventLog,
          logger: silent,
          clock,
        });
        return { eventLog, handler };
      }),
    );
    const originals = Array.from({ length: 120 }, () => createDelivery(keys, clock));
    // Every notification reaches both instances, some of them twice, in a shuffled order.
    const deliveries: [number, WebhookRequest][] = originals.flatMap((request, i) => [
      [0, request],
      [1, request],
      ...(i % 4 === 0 ? ([[i % 8 === 0 ? 0 : 1, request]] as [number, WebhookRequest][]) : []),
    ]);
    deliveries.sort(() => Math.random() - 0.5);

    const answers = await Promise.all(deliveries.map(([instance, request]) => instances[instance]?.handler(request)));
    expect(answers.every((answer) => answer?.status === 204)).toBe(true);

    const feeds = await Promise.all(
      instances.map(async ({ eventLog }) => {
        const ids: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await eventLog.list({ first: 7, ...(after === undefined ? {} : { after }) });
          ids.push(...page.entries.map((entry) => entry.event.notificationId));
          after = page.entries.at(-1)?.cursor ?? after;
          if (!page.hasNextPage) return ids;
        }
      }),
    );
    const expected = originals.map((request) => (JSON.parse(request.body.toString('utf8')) as { id: string }).id);
    expect(feeds[0]).toHaveLength(expected.length);
    expect([...(feeds[0] ?? [])].sort()).toEqual([...expected].sort());
    expect(feeds[1]).toEqual(feeds[0]);
  });
});
