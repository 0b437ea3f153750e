import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../../src/domain/errors.js';
import { createQuota } from '../../../../src/providers/http/quota.js';

describe('createQuota', () => {
  it('lets the limit through, then queues the next call until a slot frees', async () => {
    const quota = createQuota({ limit: 3, intervalMs: 200, maxQueueMs: 1_000 });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await quota.acquire('m:list');
    await quota.acquire('m:list');
    // The fourth waited for the first to leave the window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('keeps keys apart', async () => {
    const quota = createQuota({ limit: 1, intervalMs: 60_000, maxQueueMs: 0 });
    await quota.acquire('a');
    await expect(quota.acquire('b')).resolves.toBeUndefined();
  });

  it('fails with RateLimitedError and a retry-after when the wait would exceed the queue limit', async () => {
    const quota = createQuota({ limit: 1, intervalMs: 60_000, maxQueueMs: 100 });
    await quota.acquire('m:reply');
    const error = await quota.acquire('m:reply').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(55);
    // The key names the merchant; the message must not (tenants must not learn about siblings).
    expect((error as RateLimitedError).message).not.toContain('m:reply');
  });
});
