import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { createEventLog, type EventLog } from '../../../src/events/event-log.js';
import type { NotificationReceiver } from '../../../src/providers/provider.js';
import { createProviderRegistry } from '../../../src/providers/registry.js';
import { createGateway } from '../../../src/server/gateway.js';
import { ADMIN_AUTHORIZATION, testAccessTokens } from '../../helpers/access-tokens.js';
import { createGraphiQLOptions, createOfflineGraphiQLRenderer } from '../../../src/server/graphiql.js';
import { createReadinessCheck, useReadyz } from '../../../src/server/health.js';
import { createHttpHandler } from '../../../src/server/http.js';
import { createLogger } from '../../../src/server/logger.js';
import { createMediaHandler } from '../../../src/server/media.js';
import { signMediaToken } from '../../../src/crypto/media-token.js';
import { huishouqianModule } from '../../../src/providers/huishouqian/module.js';
import { wechatPayModule } from '../../../src/providers/wechatpay/module.js';
import { createProviderWebhook } from '../../../src/server/webhooks/notification-intake.js';

// The edge with the real yoga gateway, real webhook handlers and a real cache and event log, but no
// provider accounts: routing, limits and error shapes that do not depend on a provider.
const MAX_BODY = 2048;
const secret = createSecretKey(randomBytes(32));
const MAX_GRAPHQL_BODY = 16 * 1024;
let server: Server;
let base: string;
let dir: string;
let cache: CacheStore;
let eventLog: EventLog;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'http-edge-'));
  const logger = createLogger({ level: 'silent' });
  const registry = createProviderRegistry([]);
  cache = createCacheStore({ kind: 'memory' });
  eventLog = await createEventLog({ store: 'sqlite', path: join(dir, 'events.sqlite') });
  const yoga = createGateway({
    registry,
    accessTokens: testAccessTokens(),
    cache,
    eventLog,
    logger,
    mediaTokenSecret: secret,
    options: {
      mediaUrlBase: (token) => `/media/${token}`,
      graphiql: createGraphiQLOptions({ tabs: [{ query: 'query Merchants { merchants { name } }' }] }),
      renderGraphiQL: createOfflineGraphiQLRenderer(),
      plugins: [useReadyz(createReadinessCheck({ cache, eventLog, credentials: { states: () => ({}) } }))],
    },
  });
  // A known account whose receiver must never be reached: the size check comes first.
  const receivers = new Map<string, NotificationReceiver>([
    ['acct', { receive: () => Promise.reject(new Error('the receiver must not see an oversized body')) }],
  ]);
  const webhookOptions = { receivers, eventLog, logger, maxBodyBytes: MAX_BODY };
  server = createServer(
    createHttpHandler({
      yoga,
      webhooks: new Map([wechatPayModule, huishouqianModule].map((module) => [module.slug, createProviderWebhook(module, webhookOptions)])),
      maxWebhookBodyBytes: MAX_BODY,
      maxGraphqlBodyBytes: { json: MAX_GRAPHQL_BODY, multipart: 4 * MAX_GRAPHQL_BODY },
      media: createMediaHandler({ tokenSecret: secret, registry, cache, logger }),
      logger,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await eventLog.close();
  await cache.close();
  await rm(dir, { recursive: true, force: true });
});

/** A POST whose body is streamed in chunks, without a content-length (chunked). */
function postChunked(path: string, chunks: number, chunkBytes: number): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    for (let i = 0; i < chunks; i += 1) req.write(Buffer.alloc(chunkBytes, 0x61));
    req.end();
  });
}

describe('HTTP edge', () => {
  it('serves GraphQL on /graphql', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN_AUTHORIZATION },
      body: JSON.stringify({ query: '{ merchants { name } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { merchants: [] } });
  });

  it('refuses a GraphQL body over its limit (JSON, multipart) or without a length, unread', async () => {
    const send = (body: string, contentType: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = request(
          `${base}/graphql`,
          { method: 'POST', headers: { 'content-type': contentType, ...ADMIN_AUTHORIZATION, ...headers } },
          (incoming) => {
            let text = '';
            incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
            incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    const query = JSON.stringify({ query: '{ merchants { name } }', variables: { pad: 'x'.repeat(MAX_GRAPHQL_BODY) } });
    const tooLarge = await send(query, 'application/json', { 'content-length': String(Buffer.byteLength(query)) });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    const form = `--b\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${query}\r\n--b--\r\n`;
    expect(
      (await send(form, 'multipart/form-data; boundary=b', { 'content-length': String(Buffer.byteLength(form)), 'x-graphql-yoga-csrf': '1' })).status,
    ).not.toBe(413);
    const chunked = await send('{"query":"{ merchants { name } }"}', 'application/json', { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(411);
  });

  it('answers 401 to operations without a valid bearer token, before parsing them', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer ']) {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify({ query: '{ merchantz }' }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('serves GraphiQL to a browser with its assets inline (no CDN) and the example tabs', async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('renderYogaGraphiQL');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+rel="stylesheet"|unpkg\.com|jsdelivr/);
    expect(html).toContain('query Merchants { merchants { name } }');
  });

  it('answers /healthz through yoga and /readyz with check states only', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { stores: { cache: 'ok', eventLog: 'ok' }, accounts: {} } });
  });

  it('refuses an oversized webhook body while reading, in the provider format', async () => {
    const wechat = await postChunked('/webhooks/wechatpay/acct', 64, 1024);
    expect(wechat.status).toBe(413);
    expect(JSON.parse(wechat.body)).toEqual({ code: 'FAIL', message: 'notification too large' });
    expect(wechat.headers['connection']).toBe('close');
  });

  it('hands a webhook within the limit to its handler (unknown account: 404 in the provider format)', async () => {
    const wechat = await postChunked('/webhooks/wechatpay/nobody', 1, 100);
    expect(wechat.status).toBe(404);
    expect(JSON.parse(wechat.body)).toMatchObject({ code: 'FAIL' });
    const huishouqian = await postChunked('/webhooks/huishouqian/nobody', 1, 100);
    expect(huishouqian.status).toBe(404);
    expect(huishouqian.body).toBe('failure');
  });

  it('accepts only POST on webhooks', async () => {
    const response = await fetch(`${base}/webhooks/wechatpay/acct`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('refuses a forged or tampered media token with 403 and a typed body', async () => {
    const forged = await fetch(`${base}/media/abc.def`);
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ code: 'FORBIDDEN', message: 'invalid media token' });

    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const other = signMediaToken(createSecretKey(randomBytes(32)), {
      provider: 'WECHAT_PAY',
      merchantNo: '1900000001',
      complaintId: 'c1',
      url: 'https://x/y',
      expiresAt: inAnHour,
    });
    expect((await fetch(`${base}/media/${other}`)).status).toBe(403);

    const expired = signMediaToken(secret, {
      provider: 'WECHAT_PAY',
      merchantNo: '1900000001',
      complaintId: 'c1',
      url: 'https://x/y',
      expiresAt: inAnHour - 7200,
    });
    const refused = await fetch(`${base}/media/${expired}`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/expired/) });
  });

  it('answers 404 for a valid token of a merchant it does not serve', async () => {
    const token = signMediaToken(secret, {
      provider: 'HUISHOUQIAN',
      merchantNo: 'M404',
      complaintId: 'c1',
      url: 'https://x/y',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const response = await fetch(`${base}/media/${token}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers unknown routes with 404 and redirects / to /graphql', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/graphql');
  });
});
