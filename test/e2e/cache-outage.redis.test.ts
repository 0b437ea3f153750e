import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropKeysAndClose, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/*
 * The gateway with its Redis cache behind a proxy that can blackhole it: requests are answered from
 * the providers, /healthz stays up, /readyz names the cache, and SIGTERM ends the process whatever
 * Redis does.
 */

const redis = await redisOrReason('cache outage end-to-end tests');
const prefix = uniqueKeyPrefix('cache-outage-e2e');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PAGE = `query($first: Int) {
  complaints(first: $first) { edges { node { id complaintId state } } }
}`;

describe.skipIf('reason' in redis)('a Redis cache outage', () => {
  let sandboxes: Sandboxes;
  let proxy: TcpProxy;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 }, 'redis');
    gateway = await startGateway(sandboxes, {
      config: { cache: { store: 'redis', url: proxy.url, keyPrefix: `${prefix}gateway:` } },
    });
  });
  afterAll(async () => {
    proxy.setMode('pass');
    await gateway?.close();
    await sandboxes?.close();
    await proxy?.close();
    if ('admin' in redis) await dropKeysAndClose(redis.admin, prefix);
  });

  const upstreamCalls = (): number => Object.values(sandboxes.wechatpay.stats()).reduce((sum, count) => sum + count, 0);

  it('answers from the providers while Redis hangs, and reports it on /readyz only', async () => {
    const healthy = await gateway.graphql(PAGE, { first: 10 });
    expect(healthy.body.errors).toBeUndefined();
    const cachedCalls = upstreamCalls();

    proxy.setMode('blackhole');
    for (let i = 0; i < 3; i++) {
      const during = await gateway.graphql(PAGE, { first: 10 });
      expect(during.status).toBe(200);
      expect(during.body).toEqual(healthy.body);
    }
    // Served by the providers, not by a cache.
    expect(upstreamCalls()).toBeGreaterThan(cachedCalls);

    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const readiness = await fetch(`${gateway.url}/readyz`);
    const report = await readiness.text();
    expect(report).toMatch(/"cache":"failing"/);
    expect(report).not.toContain(proxy.url.replace('redis://', ''));

    proxy.setMode('pass');
    await expect.poll(async () => (await fetch(`${gateway.url}/readyz`)).text(), { timeout: 20_000, interval: 100 }).toMatch(/"cache":"ok"/);
  });

  it('stops on SIGTERM although Redis never answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cache-outage-start-'));
    proxy.setMode('blackhole');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        TMPDIR: dir,
        PORT: '0',
        SANDBOX_KEYS_FILE: join(dir, 'sandbox-keys.json'),
        CACHE_STORE: 'redis',
        CACHE_URL: proxy.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await expect.poll(() => /listening on (http:\/\/\S+)/.exec(stdout)?.[1], { timeout: 30_000, interval: 50 }).toBeDefined();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
      // Started with a warning, and serves without the cache.
      await expect.poll(() => stdout, { timeout: 10_000, interval: 50 }).toContain('cache store unavailable');
      const answer = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-admin' },
        body: JSON.stringify({ query: PAGE, variables: { first: 5 } }),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { errors?: unknown }).errors).toBeUndefined();

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      proxy.setMode('pass');
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
