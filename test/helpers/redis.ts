import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';

/** The machine's Redis (CI has it); the shared-mode tests run against it, never a mock. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

function createAdmin() {
  return createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
}

export type RedisAdmin = ReturnType<typeof createAdmin>;

/**
 * A connection to the real Redis, or why there is none: callers `describe.skipIf('reason' in ...)`
 * and the warning says the tests were skipped and why.
 */
export async function redisOrReason(suite: string): Promise<{ admin: RedisAdmin } | { reason: string }> {
  const admin = createAdmin();
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    return { admin };
  } catch (error) {
    const reason = `Redis is not reachable at ${REDIS_URL}: ${(error as Error).message}`;
    console.warn(`SKIPPED ${suite}: ${reason}`);
    return { reason };
  }
}

/** A key prefix no other test run uses. */
export function uniqueKeyPrefix(purpose: string): string {
  return `test:${purpose}:${randomUUID()}:`;
}

/** Deletes every key under `prefix` (a test's own), then closes the connection. */
export async function dropKeysAndClose(admin: RedisAdmin, prefix: string): Promise<void> {
  for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (batch.length > 0) await admin.del(batch);
  }
  await admin.close();
}
