import { createClient } from '@redis/client';

export const REDIS_URL = 'redis://127.0.0.1:6379';

function createAdmin() {
  return createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
}

export type RedisAdmin = ReturnType<typeof createAdmin>;

/** The machine's real Redis, or why it cannot be used (tests then skip and say so). */
export async function redisOrReason(): Promise<{ admin: RedisAdmin } | { reason: string }> {
  const admin = createAdmin();
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    return { admin };
  } catch (error) {
    return { reason: `Redis is not reachable at ${REDIS_URL}: ${(error as Error).message}` };
  }
}
