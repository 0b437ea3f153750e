import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/* CORS over real HTTP: what a browser on each origin is told, by preflight and on the actual answer. */

let sandboxes: Sandboxes;

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
});

afterAll(async () => {
  await sandboxes?.close();
});

/** The preflight a browser sends before a JSON POST with a bearer token. */
function preflight(gateway: GatewayUnderTest, origin: string): Promise<Response> {
  return fetch(gateway.graphqlUrl, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
}

/** The request itself, as a browser on `origin` sends it after a successful preflight. */
function query(gateway: GatewayUnderTest, origin: string): Promise<Response> {
  return fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { origin, authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ merchants { id } }' }),
  });
}

const corsHeaders = (answer: Response): Record<string, string> =>
  Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('access-control-')));

async function expectAllowed(gateway: GatewayUnderTest, origin: string): Promise<void> {
  const before = await preflight(gateway, origin);
  expect(before.status).toBe(204);
  expect(corsHeaders(before)).toEqual({
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-expose-headers': 'retry-after, x-request-id',
    'access-control-max-age': '600',
  });
  expect(before.headers.get('vary')).toMatch(/\bOrigin\b/);
  const answer = await query(gateway, origin);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
  expect(answer.headers.get('access-control-expose-headers')).toBe('retry-after, x-request-id');
  expect(answer.headers.has('access-control-allow-credentials')).toBe(false);
  expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
}

/** No CORS header at all: the browser refuses the preflight, and could not read an answer either. */
async function expectRefused(gateway: GatewayUnderTest, origin: string): Promise<void> {
  const before = await preflight(gateway, origin);
  expect(before.status).toBe(204);
  expect(corsHeaders(before), origin).toEqual({});
  expect(corsHeaders(await query(gateway, origin)), origin).toEqual({});
}

describe('CORS', () => {
  it('sandbox mode by default: localhost and 127.0.0.1 on any port, nothing else', async () => {
    const gateway = await startGateway(sandboxes);
    try {
      await expectAllowed(gateway, 'http://localhost:5173');
      await expectAllowed(gateway, 'http://127.0.0.1:3000');
      await expectRefused(gateway, 'https://evil.example');
      await expectRefused(gateway, 'http://localhost.evil.example');
    } finally {
      await gateway.close();
    }
  });

  it('real mode by default (a config file without server.cors): no cross-origin access at all, localhost included', async () => {
    const gateway = await startGateway(sandboxes, { configSource: 'file' });
    try {
      await expectRefused(gateway, 'http://localhost:5173');
      await expectRefused(gateway, 'https://evil.example');
      // Same-origin callers (GraphiQL, servers) send no Origin and are unaffected.
      expect((await gateway.graphql<{ merchants: unknown[] }>('{ merchants { id } }')).body.data?.merchants.length).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });

  it('server.cors.origins: exactly the listed origins, never with credentials', async () => {
    const gateway = await startGateway(sandboxes, {
      configSource: 'file',
      config: { server: { cors: { origins: ['https://console.example.com', 'https://*.shop.example'] } } },
    });
    try {
      await expectAllowed(gateway, 'https://console.example.com');
      await expectAllowed(gateway, 'https://eu.shop.example');
      await expectRefused(gateway, 'https://evil.example');
      await expectRefused(gateway, 'http://console.example.com');
      await expectRefused(gateway, 'https://console.example.com:8443');
      await expectRefused(gateway, 'http://localhost:5173');
    } finally {
      await gateway.close();
    }
  });
});
