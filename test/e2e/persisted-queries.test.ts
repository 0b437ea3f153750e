import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN, SANDBOX_READONLY_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { hashOperation } from '../../src/server/persisted-operations.js';
import { createPersistedQueryClient } from '../clients/apollo-persisted-queries.js';
import { countingFetch } from '../helpers/counting-fetch.js';
import { MerchantsDocument } from '../generated/graphql.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Automatic persisted queries (Apollo's PersistedQueryLink against the running gateway, requests
 * counted at the link's fetch) and trusted documents from codegen's manifest with mode `only`.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MANIFEST = `${ROOT}test/generated/persisted-documents.json`;
const AUTH = { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` };

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function send(target: GatewayUnderTest, body: unknown, headers: Record<string, string> = AUTH): Promise<{ status: number; body: Body }> {
  const response = await fetch(target.graphqlUrl, {
    method: 'POST',
    // The GraphQL-over-HTTP media type: a request error is then a 4xx, not a 200.
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

const byHash = (sha256Hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
const codes = (body: Body): (string | undefined)[] => (body.errors ?? []).map((error) => error.extensions?.code);

let sandboxes: Sandboxes;

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
});

afterAll(async () => {
  await sandboxes?.close();
});

describe('automatic persisted queries', () => {
  let gateway: GatewayUnderTest;

  it('are shown in the README by the client this test runs, verbatim', async () => {
    const path = 'test/clients/apollo-persisted-queries.ts';
    const readme = await readFile(`${ROOT}README.md`, 'utf8');
    const embedded = new RegExp(`<!-- ${path.replaceAll('.', '\\.')} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme)?.[1];
    expect(embedded).toBe(await readFile(`${ROOT}${path}`, 'utf8'));
  });

  beforeAll(async () => {
    // A depth cap the test's deep query exceeds and its shallow queries meet.
    gateway = await startGateway(sandboxes, { config: { server: { limits: { maxDepth: 3 } } } });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('cost Apollo’s PersistedQueryLink one round trip once any client has registered the query', async () => {
    const query = gql`
      query ApqMerchants {
        merchants { id name }
      }
    `;
    const first = countingFetch();
    const client = createPersistedQueryClient(gateway.graphqlUrl, SANDBOX_ADMIN_TOKEN, first.fetch);
    const registered = await client.query({ query });
    expect((registered.data as { merchants: unknown[] }).merchants.length).toBeGreaterThan(0);
    // The hash alone (unknown: 404), then the query with its hash, which registers it.
    expect(first.sent).toEqual([
      { method: 'POST', withQuery: false, status: 404 },
      { method: 'POST', withQuery: true, status: 200 },
    ]);
    await client.query({ query, fetchPolicy: 'network-only' });
    expect(first.sent.slice(2)).toEqual([{ method: 'POST', withQuery: false, status: 200 }]);

    // Another caller, another page load (a new link: no hash known to be registered): one request.
    const second = countingFetch();
    const other = createPersistedQueryClient(gateway.graphqlUrl, SANDBOX_READONLY_TOKEN, second.fetch);
    expect((await other.query({ query })).data).toEqual(registered.data);
    expect(second.sent).toEqual([{ method: 'POST', withQuery: false, status: 200 }]);
  });

  it('runs a query found by its hash through the same limits as a query sent in full', async () => {
    const deep = '{ complaints(first: 1) { edges { node { merchant { id } } } } }';
    const sentInFull = await send(gateway, { query: deep, ...byHash(hashOperation(deep)) });
    expect(sentInFull.status).toBe(400);
    expect(codes(sentInFull.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const sentByHash = await send(gateway, byHash(hashOperation(deep)));
    expect(sentByHash.body.data ?? null).toBeNull();
    expect(sentByHash.status).toBe(400);
    expect(codes(sentByHash.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('registers no query under another text’s hash, and answers no anonymous caller', async () => {
    const wrongHash = 'a'.repeat(64);
    const mismatch = await send(gateway, { query: '{ merchants { id } }', ...byHash(wrongHash) });
    expect(mismatch.status).toBe(400);
    expect(codes(mismatch.body)).toEqual(['PERSISTED_QUERY_MISMATCH']);
    const unknown = await send(gateway, byHash(wrongHash));
    expect(unknown.status).toBe(404);
    expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const query = '{ merchants { name } }';
    expect((await send(gateway, { query, ...byHash(hashOperation(query)) })).status).toBe(200);
    const anonymous = await send(gateway, byHash(hashOperation(query)), {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.data ?? null).toBeNull();
    expect(codes(anonymous.body)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('trusted documents from codegen’s manifest, persistedOperations.mode `only`', () => {
  let gateway: GatewayUnderTest;
  const documentId = MerchantsDocument.__meta__?.['hash'] as string;
  beforeAll(async () => {
    gateway = await startGateway(sandboxes, { config: { server: { persistedOperations: { mode: 'only', file: MANIFEST } } } });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('lists every generated document under the id its typed document carries', async () => {
    const manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as Record<string, string>;
    expect(documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest[documentId]).toMatch(/^query Merchants\b/);
    for (const [id, document] of Object.entries(manifest)) expect(id).toBe(`sha256:${hashOperation(document)}`);
  });

  it('runs a generated document sent by documentId (POST and GET) or by its APQ hash', async () => {
    const posted = await send(gateway, { documentId });
    expect(posted.status).toBe(200);
    expect(posted.body.data?.['merchants']).toBeInstanceOf(Array);
    const viaGet = await fetch(`${gateway.graphqlUrl}?documentId=${encodeURIComponent(documentId)}`, { headers: AUTH });
    expect(viaGet.status).toBe(200);
    expect(((await viaGet.json()) as Body).data?.['merchants']).toEqual(posted.body.data?.['merchants']);
    const apq = await send(gateway, byHash(documentId.slice('sha256:'.length)));
    expect(apq.body.data?.['merchants']).toEqual(posted.body.data?.['merchants']);
  });

  it('refuses any other operation with a code, and lets no client register one', async () => {
    const query = '{ merchants { id } }';
    const arbitrary = await send(gateway, { query });
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.data ?? null).toBeNull();
    expect(codes(arbitrary.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    const registration = await send(gateway, { query, ...byHash(hashOperation(query)) });
    expect(codes(registration.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    const afterwards = await send(gateway, byHash(hashOperation(query)));
    expect(afterwards.status).toBe(404);
    expect(codes(afterwards.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const unknownId = await send(gateway, { documentId: `sha256:${'b'.repeat(64)}` });
    expect(codes(unknownId.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const noId = await send(gateway, {});
    expect(codes(noId.body)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);

    // Apollo's link: its hash is unknown, and the full query it then sends is refused.
    const counted = countingFetch();
    const client = createPersistedQueryClient(gateway.graphqlUrl, SANDBOX_ADMIN_TOKEN, counted.fetch);
    await expect(client.query({ query: gql(query) })).rejects.toThrow(/PersistedQueryOnly/);
    expect(counted.sent.map((request) => [request.withQuery, request.status])).toEqual([
      [false, 404],
      [true, 400],
    ]);
  });
});

describe('persistedOperations.mode `accept` with automatic persisted queries', () => {
  it('runs listed documents by id or hash, any other query, and registers that one', async () => {
    const gateway = await startGateway(sandboxes, { config: { server: { persistedOperations: { mode: 'accept', file: MANIFEST } } } });
    try {
      const documentId = MerchantsDocument.__meta__?.['hash'] as string;
      expect((await send(gateway, { documentId })).body.data?.['merchants']).toBeInstanceOf(Array);
      expect((await send(gateway, byHash(documentId.slice('sha256:'.length)))).body.data?.['merchants']).toBeInstanceOf(Array);
      const query = '{ merchants { id name } }';
      expect(codes((await send(gateway, byHash(hashOperation(query)))).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect((await send(gateway, { query, ...byHash(hashOperation(query)) })).body.data?.['merchants']).toBeInstanceOf(Array);
      expect((await send(gateway, byHash(hashOperation(query)))).body.data?.['merchants']).toBeInstanceOf(Array);
    } finally {
      await gateway.close();
    }
  });
});
