import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../../../src/events/event-log.js';
import { eventLogSuite } from '../../unit/events/event-log.suite.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `test:event-log:${randomUUID()}:`;

function createAdmin() {
  return createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
}

async function connectOrReason(): Promise<{ admin: ReturnType<typeof createAdmin> } | { reason: string }> {
  const admin = createAdmin();
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    return { admin };
  } catch (error) {
    return { reason: `Redis is not reachable at ${REDIS_URL}: ${(error as Error).message}` };
  }
}

const connection = await connectOrReason();
if ('reason' in connection) console.warn(`SKIPPED event-log.redis tests: ${connection.reason}`);

describe.skipIf('reason' in connection)('Redis event log', () => {
  afterAll(async () => {
    if (!('admin' in connection)) return;
    const { admin } = connection;
    for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await admin.del(keys);
    }
    await admin.close();
  });

  let stores = 0;
  eventLogSuite('redis', async () => {
    const keyPrefix = `${prefix}${++stores}:`;
    return {
      open: () => createEventLog({ store: 'redis', url: REDIS_URL, keyPrefix }),
      dispose: async () => undefined,
    };
  });

  it('fails to open with EventLogError when the server is not there', async () => {
    await expect(createEventLog({ store: 'redis', url: 'redis://127.0.0.1:1', keyPrefix: prefix })).rejects.toMatchObject({
      code: 'EVENT_LOG_UNAVAILABLE',
    });
  });
});
