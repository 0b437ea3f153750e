import { afterAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../../../src/events/event-log.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../helpers/redis.js';
import { eventLogSuite } from '../../contract/event-log.suite.js';

const prefix = uniqueKeyPrefix('event-log');
const connection = await redisOrReason('event-log.redis tests');

describe.skipIf('reason' in connection)('Redis event log', () => {
  afterAll(async () => {
    if ('admin' in connection) await dropKeysAndClose(connection.admin, prefix);
  });

  let stores = 0;
  eventLogSuite('redis', async () => {
    const keyPrefix = `${prefix}${++stores}:`;
    return {
      open: () => createEventLog({ store: 'redis', url: REDIS_URL, keyPrefix }),
      dispose: async () => undefined,
    };
  });

  it("warns at open that acknowledged notifications may be lost when the server does not fsync every write (this machine's Redis: appendonly no)", async () => {
    const warnings: string[] = [];
    const log = await createEventLog({ store: 'redis', url: REDIS_URL, keyPrefix: `${prefix}durability:` }, { onWarning: (message) => warnings.push(message) });
    await log.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/appendonly no .*may be lost on a Redis restart.*appendfsync always.*PostgreSQL/);
    expect(warnings[0]).not.toMatch(/redis:\/\/|127\.0\.0\.1|6379/);
  });

  it('fails to open with EventLogError when the server is not there', async () => {
    await expect(createEventLog({ store: 'redis', url: 'redis://127.0.0.1:1', keyPrefix: prefix })).rejects.toMatchObject({
      code: 'EVENT_LOG_UNAVAILABLE',
    });
  });
});
