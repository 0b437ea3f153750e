import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { hashOperation } from '../../src/server/persisted-operations.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/* Query limits, CSRF prevention, introspection switch and persisted operations, over real HTTP. */

const OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));
const AUTH = { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` };

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const codes = (body: unknown): (string | undefined)[] => ((body as Body).errors ?? []).map((error) => error.extensions?.code);

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  gateway = await startGateway(sandboxes);
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('query limits', () => {
  it('let every example operation and GraphiQL’s introspection query through', async () => {
    const names = (await readdir(OPERATIONS_DIR)).filter((name) => name.endsWith('.graphql'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const query = await readFile(`${OPERATIONS_DIR}${name}`, 'utf8');
      const variables = JSON.parse(/^#\s*variables:\s*(\{.*\})\s*$/m.exec(query)?.[1] ?? '{}') as Record<string, unknown>;
      const { body } = await gateway.graphql(query, variables);
      expect(codes(body), name).not.toContain('GRAPHQL_VALIDATION_FAILED');
      expect(codes(body), name).not.toContain('GRAPHQL_PARSE_FAILED');
    }
    const introspection = await gateway.graphql<{ __schema: { types: unknown[] } }>(getIntrospectionQuery());
    expect(introspection.body.data?.__schema.types.length).toBeGreaterThan(50);
  });

  it('refuse operations too deep, too aliased, too long or too decorated, before running them', async () => {
    // 11 levels: events → complaint → history → message blocks → buttons.
    const deep =
      '{ complaintEvents { edges { node { complaint { negotiationHistory { edges { node { message { blocks { ... on ButtonGroupBlock { buttons { text } } } } } } } } } } } }';
    const cases: [string, string, RegExp][] = [
      ['depth', deep, /depth limit/],
      ['aliases', `{ ${Array.from({ length: 101 }, (_, i) => `m${i}: merchants { id }`).join(' ')} }`, /Aliases limit/],
      ['directives', `{ merchants { id ${'@skip(if: false) '.repeat(21)} } }`, /Directives limit/],
      ['tokens', `{ merchants { ${'id '.repeat(2100)} } }`, /Token limit/],
    ];
    for (const [name, query, message] of cases) {
      const { status, body } = await gateway.graphql(query);
      expect(status, name).toBe(400);
      expect(codes(body)[0], name).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
      expect((body as Body).errors?.[0]?.message, name).toMatch(message);
    }
  });
});

describe('CSRF prevention', () => {
  it('needs no extra header on GET and multipart requests that carry a bearer token, which browsers never add cross-site', async () => {
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('{ merchants { id } }')}`;
    const get = await fetch(url, { headers: AUTH });
    expect(get.status).toBe(200);
    expect(codes(await get.json())).toEqual([]);
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: '{ merchants { id } }' }));
    form.append('map', '{}');
    expect((await fetch(gateway.graphqlUrl, { method: 'POST', body: form, headers: AUTH })).status).toBe(200);
  });

  it('answers the same requests without a token with 401 UNAUTHENTICATED, before any CSRF question', async () => {
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('{ merchants { id } }')}`;
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const answer = await fetch(url, { headers });
      expect(answer.status).toBe(401);
      expect(codes(await answer.json())).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('configuration switches', () => {
  it('turns introspection off, and field suggestions with it', async () => {
    const closed = await startGateway(sandboxes, { env: { INTROSPECTION: 'false' } });
    try {
      const schema = await closed.graphql('{ __schema { types { name } } }');
      expect(schema.body.data ?? null).toBeNull();
      expect(codes(schema.body)).toContain('GRAPHQL_VALIDATION_FAILED');
      const typo = await closed.graphql('{ merchantz { id } }');
      expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean|merchants/);
      expect((await closed.graphql<{ merchants: unknown[] }>('{ merchants { id } }')).body.data?.merchants.length).toBeGreaterThan(0);
    } finally {
      await closed.close();
    }
  });

  it('persisted operations: `only` runs operations by hash and refuses any other, `accept` runs both', async () => {
    const document = await readFile(`${OPERATIONS_DIR}merchants.graphql`, 'utf8');
    const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: hashOperation(document) } } };
    const send = (target: GatewayUnderTest, body: unknown) =>
      fetch(target.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify(body) }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as Body }),
      );
    const only = await startGateway(sandboxes, { config: { server: { persistedOperations: { mode: 'only' } } } });
    const accept = await startGateway(sandboxes, { config: { server: { persistedOperations: { mode: 'accept' } } } });
    try {
      expect((await send(only, byHash)).body.data?.['merchants']).toBeInstanceOf(Array);
      const arbitrary = await send(only, { query: '{ merchants { id } }' });
      expect(arbitrary.body.data ?? null).toBeNull();
      expect(arbitrary.body.errors?.[0]?.message).toMatch(/PersistedQuery/i);
      const unknown = await send(only, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
      expect(unknown.body.errors?.[0]?.message).toMatch(/PersistedQueryNotFound/);
      expect((await send(accept, byHash)).body.data?.['merchants']).toBeInstanceOf(Array);
      expect((await send(accept, { query: '{ merchants { id } }' })).body.data?.['merchants']).toBeInstanceOf(Array);
    } finally {
      await only.close();
      await accept.close();
    }
  });
});
