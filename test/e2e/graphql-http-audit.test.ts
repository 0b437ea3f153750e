import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

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

/**
 * graphql-http's GraphQL-over-HTTP audits against the running gateway (real HTTP, the full edge).
 * A MUST audit has to pass; SHOULD/MAY audits may only warn (graphql-http reports a failed MUST as
 * an error and a failed SHOULD/MAY as a warning).
 */
describe('GraphQL over HTTP audits', () => {
  // Every audit request as an authenticated caller: without a token the gateway answers 401 to all.
  const authenticatedFetch = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${SANDBOX_ADMIN_TOKEN}`);
    return fetch(input, { ...init, headers });
  };
  const audits = serverAudits({ url: () => gateway.graphqlUrl, fetchFn: authenticatedFetch });

  it('covers the full audit suite', () => {
    expect(audits.length).toBeGreaterThanOrEqual(60);
  });

  for (const audit of audits) {
    it(audit.name, async () => {
      const result = await audit.fn();
      if (audit.name.startsWith('MUST')) {
        expect(result.status, result.status === 'ok' ? '' : result.reason).toBe('ok');
      } else {
        expect(result.status, result.status === 'ok' ? '' : result.reason).not.toBe('error');
      }
    });
  }
});
