import { createSecretKey, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { invalidateComplaint } from '../../../src/cache/invalidation.js';
import { createCacheStore, type CacheStore } from '../../../src/cache/store.js';
import { createEventLog, type EventLog } from '../../../src/events/event-log.js';
import { createBudgetStore } from '../../../src/providers/http/budget-store.js';
import { createProviderRegistry } from '../../../src/providers/registry.js';
import { createGatewayServer, type GatewayServer } from '../../../src/server/gateway.js';
import { createHttpHandler } from '../../../src/server/http.js';
import { createLogger } from '../../../src/server/logger.js';
import { createMediaHandler } from '../../../src/server/media.js';
import { TEST_ADMIN_TOKEN, testAccessTokens, testToken } from '../../helpers/access-tokens.js';
import { createFakeProvider, makeComplaint, type FakeProvider } from '../../helpers/fake-provider.js';
import { rawRequest, type RawAnswer } from '../../helpers/raw-request.js';

/*
 * Warm answers at the edge: a request whose response is cached is answered before yoga sees it,
 * with what yoga would have sent. yoga's `handle` is counted, so each test knows which path answered.
 */

const PAGE = `query Page { complaints(first: 50, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { id complaintId state detail merchant { merchantNo } } } } }`;
/** Each test token's secret is its name. */
const LIMITED_TOKEN = 'limited';
const FIRST_ONLY_TOKEN = 'first-only';

let server: Server;
let url: string;
let cache: CacheStore;
let eventLog: EventLog;
let first: FakeProvider;
let yogaCalls = 0;
let logLines: Record<string, unknown>[] = [];
let gateway: GatewayServer;

beforeAll(async () => {
  first = createFakeProvider({ merchantNo: '1900000001' });
  const second = createFakeProvider({ merchantNo: '1900000002' });
  for (let day = 1; day <= 9; day += 1) first.add(makeComplaint({ ...first.merchant, complaintId: `a${day}` }, `2026-11-0${day}T09:30:00+08:00`));
  second.add(makeComplaint({ ...second.merchant, complaintId: 'b1' }, '2026-11-03T09:30:00+08:00'));
  const registry = createProviderRegistry([first, second]);
  cache = createCacheStore({ kind: 'memory' });
  eventLog = await createEventLog({ store: 'sqlite', path: ':memory:' });
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  });
  const secret = createSecretKey(randomBytes(32));
  gateway = createGatewayServer({
    registry,
    accessTokens: testAccessTokens([
      testToken(FIRST_ONLY_TOKEN, ['complaints:read'], [{ merchantNo: '1900000001' }]),
      testToken(LIMITED_TOKEN, ['complaints:read'], 'all'),
    ]),
    cache,
    eventLog,
    logger,
    mediaTokenSecret: secret,
    options: {
      mediaUrlBase: (token) => `/media/${token}`,
      responseCacheTtlMs: 60_000,
      tokenRateLimits: { limits: new Map([[LIMITED_TOKEN, 3]]), store: await createBudgetStore({ kind: 'memory' }) },
    },
  });
  const listener = createHttpHandler({
    yoga: {
      handle: (req: IncomingMessage, res: ServerResponse) => {
        yogaCalls += 1;
        return gateway.yoga.handle(req, res);
      },
      fetch: (input, init) => gateway.yoga.fetch(input, init),
    },
    cachedAnswers: gateway.cachedAnswers,
    webhooks: new Map(),
    maxWebhookBodyBytes: 1024,
    maxGraphqlBodyBytes: { json: 16 * 1024, multipart: 64 * 1024 },
    media: createMediaHandler({ tokenSecret: secret, registry, cache, logger }),
    logger,
  });
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await eventLog.close();
  await cache.close();
});

beforeEach(async () => {
  await cache.clear();
  yogaCalls = 0;
  logLines = [];
});

afterEach(() => {
  logLines = [];
});

function post(body: unknown, headers: Record<string, string> = {}, token = TEST_ADMIN_TOKEN): Promise<RawAnswer> {
  return rawRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** The access-log lines of GraphQL requests so far. */
function accessLines(): Record<string, unknown>[] {
  return logLines.filter((line) => line['msg'] === 'graphql request');
}

describe('cached answers at the edge', () => {
  it('answers a repeated query without yoga, with the bytes and headers yoga sent', async () => {
    const missed = await post({ query: PAGE });
    expect(missed.status).toBe(200);
    expect(yogaCalls).toBe(1);
    const hit = await post({ query: PAGE });
    expect(yogaCalls).toBe(1);
    expect(hit.status).toBe(200);
    expect(hit.body.equals(missed.body)).toBe(true);
    for (const header of ['content-type', 'etag', 'last-modified', 'vary', 'content-length']) expect(hit.headers[header]).toBe(missed.headers[header]);
    expect(typeof hit.headers['x-request-id']).toBe('string');
    const [missLine, hitLine] = accessLines();
    expect(missLine).toMatchObject({ operation: 'Page', responseCache: 'miss', outcome: 'ok', status: 200 });
    expect(hitLine).toMatchObject({ operation: 'Page', responseCache: 'hit', outcome: 'ok', status: 200, tokenName: missLine?.['tokenName'] });
  });

  it('sends the Content-Type yoga picks for each Accept that clients send by default', async () => {
    await post({ query: PAGE });
    const accepts = [
      undefined,
      '',
      '*/*',
      'application/json',
      // graphql-request, Apollo Client, urql
      'application/graphql-response+json, application/json',
      'application/graphql-response+json,application/json;q=0.9',
      'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
      'application/json; charset=iso-8859-1, application/graphql-response+json',
    ];
    for (const accept of accepts) {
      const headers = accept === undefined ? {} : { accept };
      const edge = await post({ query: PAGE }, headers);
      // yoga's own answer to the same request: its response-cache plugin serves the same entry.
      const viaYoga = await gateway.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers },
        body: JSON.stringify({ query: PAGE }),
      });
      expect(edge.headers['content-type'], accept).toBe(viaYoga.headers.get('content-type'));
      expect(edge.body.toString('utf8'), accept).toBe(await viaYoga.text());
      expect(edge.headers['etag'], accept).toBe(viaYoga.headers.get('etag'));
    }
    expect(yogaCalls).toBe(1);
    // A streaming format only: yoga answers, as it would have.
    const streamed = await post({ query: PAGE }, { accept: 'text/event-stream' });
    expect(yogaCalls).toBe(2);
    expect(streamed.headers['content-type']).toMatch(/^text\/event-stream/);
  });

  it('answers 304 to the caller’s own ETag only, and a full answer to a stale copy', async () => {
    const { headers } = await post({ query: PAGE });
    const etag = String(headers['etag']);
    const lastModified = String(headers['last-modified']);
    const notModified = await post({ query: PAGE }, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers['etag']).toBe(etag);
    const older = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await post({ query: PAGE }, { 'if-none-match': etag, 'if-modified-since': older })).status).toBe(200);
    // The admin's tag, sent by a caller with other grants: that caller's own answer, never a 304.
    const other = await post({ query: PAGE }, { 'if-none-match': etag }, FIRST_ONLY_TOKEN);
    expect(other.status).toBe(200);
    expect(yogaCalls).toBe(2);
  });

  it('never answers one caller with another caller’s response', async () => {
    const admin = JSON.parse((await post({ query: PAGE })).body.toString('utf8')) as { data: { complaints: { edges: unknown[] } } };
    const scoped = JSON.parse((await post({ query: PAGE }, {}, FIRST_ONLY_TOKEN)).body.toString('utf8')) as typeof admin;
    expect(yogaCalls).toBe(2);
    expect(admin.data.complaints.edges).toHaveLength(10);
    expect(scoped.data.complaints.edges).toHaveLength(9);
  });

  it('keys on the variables and the operation name', async () => {
    const query = 'query One($first: Int!) { complaints(first: $first, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { complaintId } } } }';
    const one = await post({ query, variables: { first: 1 } });
    const two = await post({ query, variables: { first: 2 } });
    expect(yogaCalls).toBe(2);
    expect(one.body.equals(two.body)).toBe(false);
    expect((await post({ query, variables: { first: 2 } })).body.equals(two.body)).toBe(true);
    expect(yogaCalls).toBe(2);
    await post({ query, variables: { first: 2 }, operationName: 'One' });
    expect(yogaCalls).toBe(3);
  });

  it('drops the answer when the merchant’s data changes, and only that merchant’s', async () => {
    await post({ query: PAGE }, {}, FIRST_ONLY_TOKEN);
    await invalidateComplaint(cache, { ...first.merchant, complaintId: 'a1' });
    await post({ query: PAGE }, {}, FIRST_ONLY_TOKEN);
    expect(yogaCalls).toBe(2);
    await post({ query: PAGE }, {}, FIRST_ONLY_TOKEN);
    expect(yogaCalls).toBe(2);
  });

  it('counts cached answers against the token’s rate limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await post({ query: PAGE }, {}, LIMITED_TOKEN)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // One miss, two edge answers, and the refusal at the edge.
    expect(yogaCalls).toBe(1);
    const refused = await post({ query: PAGE }, {}, LIMITED_TOKEN);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(refused.body.toString('utf8'))).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
  });

  it('compresses a cached answer as the client asks, to the same bytes', async () => {
    const plain = await post({ query: PAGE });
    const gzipped = await post({ query: PAGE }, { 'accept-encoding': 'gzip' });
    expect(yogaCalls).toBe(1);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['vary']).toBe('Accept-Encoding');
    expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    expect(Number(gzipped.headers['content-length'])).toBe(gzipped.body.length);
  });

  it('leaves to yoga what it cannot answer exactly as yoga would, with the body it read', async () => {
    await post({ query: PAGE });
    // A batch, a malformed body, an anonymous caller: yoga answers, from the bytes the edge read.
    const batch = await post([{ query: PAGE }]);
    const malformed = await rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: '{"query": ',
    });
    const anonymous = await rawRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PAGE }) });
    const viaGet = await rawRequest(`${url}?query=${encodeURIComponent(PAGE)}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(yogaCalls).toBe(5);
    expect(malformed.status).toBe(400);
    expect(anonymous.status).toBe(401);
    expect(viaGet.status).toBe(200);
    expect(batch.status).not.toBe(200);
    // A query that selects the payer's phone is never cached: each one runs.
    const phone = '{ complaints(first: 1, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { payerPhone } } } }';
    await post({ query: phone });
    await post({ query: phone });
    expect(yogaCalls).toBe(7);
  });
});
