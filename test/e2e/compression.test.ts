import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { EXAMPLE_IDS_QUERY, exampleIdsFrom } from '../../src/server/graphiql.js';
import { rawRequest, type RawAnswer } from '../helpers/raw-request.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

const LARGE_QUERY = '{ complaints(first: 30) { edges { node { id complaintId state detail complainedAt merchant { name } } } } }';

function postGraphql(gateway: GatewayUnderTest, query: string, acceptEncoding: string): Promise<RawAnswer> {
  return rawRequest(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`, 'accept-encoding': acceptEncoding },
    body: JSON.stringify({ query }),
  });
}

function varyOf(answer: RawAnswer): string[] {
  return String(answer.headers['vary'] ?? '')
    .toLowerCase()
    .split(/\s*,\s*/);
}

describe('compression and the GraphiQL page (sandbox mode)', () => {
  let sandboxes: Sandboxes;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    gateway = await startGateway(sandboxes);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await sandboxes?.close();
  });

  it('sends a large GraphQL answer in the encoding the client prefers, with its exact Content-Length and Vary', async () => {
    const plain = await postGraphql(gateway, LARGE_QUERY, 'identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.byteLength).toBeGreaterThan(1024);
    expect(Number(plain.headers['content-length'])).toBe(plain.body.byteLength);
    expect(varyOf(plain)).toContain('accept-encoding');
    const expected = JSON.parse(plain.body.toString('utf8')) as unknown;

    // br on a tie; gzip when the client weighs it higher; `*` stands for both.
    for (const [acceptEncoding, encoding, decode] of [
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['br;q=0.5, gzip', 'gzip', gunzipSync],
      ['br;q=0, *', 'gzip', gunzipSync],
    ] as const) {
      const answer = await postGraphql(gateway, LARGE_QUERY, acceptEncoding);
      expect(answer.status, acceptEncoding).toBe(200);
      expect(answer.headers['content-encoding'], acceptEncoding).toBe(encoding);
      expect(Number(answer.headers['content-length']), acceptEncoding).toBe(answer.body.byteLength);
      expect(answer.body.byteLength, acceptEncoding).toBeLessThan(plain.body.byteLength);
      expect(varyOf(answer), acceptEncoding).toContain('accept-encoding');
      expect(JSON.parse(decode(answer.body).toString('utf8')), acceptEncoding).toEqual(expected);
    }
  });

  it('answers a revalidation of a compressed GraphQL answer with a bodiless 304 (the response cache’s ETag)', async () => {
    const first = await postGraphql(gateway, LARGE_QUERY, 'gzip');
    expect(first.headers['content-encoding']).toBe('gzip');
    const etag = first.headers['etag'];
    expect(etag).toEqual(expect.any(String));
    const again = await rawRequest(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`, 'accept-encoding': 'gzip', 'if-none-match': String(etag) },
      body: JSON.stringify({ query: LARGE_QUERY }),
    });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers['content-encoding']).toBeUndefined();
  });

  it('sends small answers as they are', async () => {
    const answer = await postGraphql(gateway, '{ __typename }', 'gzip, br');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
    expect(Number(answer.headers['content-length'])).toBe(answer.body.byteLength);
  });

  it('serves GraphiQL compressed, with a validator and caching headers; 304 on a match; HEAD as GET without the body', async () => {
    const html = { accept: 'text/html', 'accept-encoding': 'br, gzip' };
    const page = await rawRequest(gateway.graphqlUrl, { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('private, no-cache');
    expect(varyOf(page)).toContain('accept-encoding');
    const etag = String(page.headers['etag']);
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(Number(page.headers['content-length'])).toBe(page.body.byteLength);
    const text = brotliDecompressSync(page.body).toString('utf8');
    expect(text.includes('renderYogaGraphiQL')).toBe(true);
    // Compressed to well under a third of the ~9 MB page.
    expect(page.body.byteLength * 3).toBeLessThan(Buffer.byteLength(text));

    const again = await rawRequest(gateway.graphqlUrl, { headers: { ...html, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers['etag']).toBe(etag);
    expect(again.headers['cache-control']).toBe('private, no-cache');

    // The same validator whatever the encoding (weak), and a stale one gets the page.
    const gzipped = await rawRequest(gateway.graphqlUrl, { headers: { accept: 'text/html', 'accept-encoding': 'gzip', 'if-none-match': 'W/"old"' } });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['etag']).toBe(etag);
    expect(gunzipSync(gzipped.body).toString('utf8') === text).toBe(true);

    const head = await rawRequest(gateway.graphqlUrl, { method: 'HEAD', headers: html });
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    expect(head.headers['etag']).toBe(etag);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(page.headers['content-length']);
  }, 60_000);

  it('fills the examples with the seeded ids and keeps the demo header in sandbox mode', async () => {
    const answer = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    const text = await answer.text();
    const { complaintId, merchantId } = exampleIdsFrom((await gateway.graphql(EXAMPLE_IDS_QUERY)).body.data);
    expect(complaintId).toEqual(expect.any(String));
    expect(merchantId).toEqual(expect.any(String));
    // The options are JSON inside the page: ids appear with escaped quotes. (Booleans: a failure must not print 9 MB.)
    expect(text.includes(`\\"id\\":\\"${complaintId}\\"`)).toBe(true);
    expect(text.includes(`\\"merchantId\\":\\"${merchantId}\\"`)).toBe(true);
    expect(text.includes(`Bearer ${SANDBOX_ADMIN_TOKEN}`)).toBe(true);
  });
});

describe('GraphiQL in real mode (config file)', () => {
  let sandboxes: Sandboxes;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
  }, 60_000);

  afterAll(async () => {
    await sandboxes?.close();
  });

  it('is off by default', async () => {
    const gateway = await startGateway(sandboxes, { configSource: 'file' });
    try {
      expect(gateway.app.registry.merchants.length).toBeGreaterThan(0);
      const answer = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
      expect(answer.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect((await answer.text()).includes('renderYogaGraphiQL')).toBe(false);
    } finally {
      await gateway.close();
    }
  });

  it('with server.graphiql: true, never persists headers and preloads no token', async () => {
    const gateway = await startGateway(sandboxes, { configSource: 'file', config: { server: { graphiql: true } } });
    try {
      const answer = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
      expect(answer.status).toBe(200);
      const text = await answer.text();
      // Booleans: a failure must not print 9 MB.
      expect(text.includes('renderYogaGraphiQL')).toBe(true);
      expect(text.includes('"shouldPersistHeaders":false')).toBe(true);
      expect(text.includes(SANDBOX_ADMIN_TOKEN)).toBe(false);
    } finally {
      await gateway.close();
    }
  });
});
