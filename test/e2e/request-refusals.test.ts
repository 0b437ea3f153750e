import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Every refusal of a GraphQL request over real HTTP is a GraphQL-shaped JSON body whose errors
 * carry `extensions.code`, and none quotes the body it refused (each bad body carries a marker).
 */

const MARKER = 'm4rker-from-the-body';
const AUTH = { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` };

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  sandboxes = await startSandboxes({ enforceRateLimits: false });
  gateway = await startGateway(sandboxes, { config: { server: { maxRequestBodyBytes: 4096, maxUploadBodyBytes: 8192 } } });
});

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

function post(body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return fetch(gateway.graphqlUrl, { method: 'POST', headers: { ...AUTH, ...headers }, body });
}

/** A multipart body by hand: fields in order, so that each can be broken on purpose. */
function multipart(parts: [name: string, value: string][], end = '--b--\r\n'): { body: string; headers: Record<string, string> } {
  const body = parts.map(([name, value]) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') + end;
  return { body, headers: { 'content-type': 'multipart/form-data; boundary=b' } };
}

const GOOD_OPERATIONS = JSON.stringify({ query: '{ merchants { id } }' });

const ROWS: { name: string; send: () => Promise<Response>; status: number; code: string }[] = [
  {
    name: 'no token',
    send: () => fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: GOOD_OPERATIONS }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'no token, GET (the CSRF check never comes first)',
    send: () => fetch(`${gateway.graphqlUrl}?query=${encodeURIComponent('{ merchants { id } }')}`),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a token nobody was given',
    send: () => post(GOOD_OPERATIONS, { authorization: `Bearer ${MARKER}`, 'content-type': 'application/json' }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'malformed variables in a GET URL',
    send: () =>
      fetch(`${gateway.graphqlUrl}?query=${encodeURIComponent('{ merchants { id } }')}&variables=${encodeURIComponent(`{${MARKER}`)}`, { headers: AUTH }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a mutation over GET',
    send: () =>
      fetch(`${gateway.graphqlUrl}?query=${encodeURIComponent(`mutation { deleteNotificationUrl(merchantId: "${MARKER}") { __typename } }`)}`, {
        headers: AUTH,
      }),
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'PUT',
    send: () => fetch(gateway.graphqlUrl, { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body: GOOD_OPERATIONS }),
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'JSON body over the limit',
    send: () => post(JSON.stringify({ query: '{ merchants { id } }', variables: { pad: MARKER.repeat(500) } }), { 'content-type': 'application/json' }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'upload over the limit',
    send: () =>
      post(
        multipart([
          ['operations', GOOD_OPERATIONS],
          ['map', '{}'],
          ['0', MARKER.repeat(600)],
        ]).body,
        multipart([]).headers,
      ),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'XML', send: () => post(`<query>${MARKER}</query>`, { 'content-type': 'application/xml' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  {
    name: 'text/plain (a form could send it cross-site)',
    send: () => post(MARKER, { 'content-type': 'text/plain' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'malformed JSON',
    send: () => post(`{"query": "{ merchants { id } }", "${MARKER}`, { 'content-type': 'application/json' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'JSON that is not an object', send: () => post(JSON.stringify(MARKER), { 'content-type': 'application/json' }), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'multipart: operations not JSON',
    send: () => post(multipart([['operations', `{${MARKER}`]]).body, multipart([]).headers),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'multipart: map not JSON',
    send: () =>
      post(
        multipart([
          ['operations', GOOD_OPERATIONS],
          ['map', `{${MARKER}`],
        ]).body,
        multipart([]).headers,
      ),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'multipart: no operations', send: () => post(multipart([[MARKER, MARKER]]).body, multipart([]).headers), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'multipart: cut short',
    send: () =>
      post(
        multipart(
          [
            ['operations', GOOD_OPERATIONS],
            [MARKER, MARKER],
          ],
          '',
        ).body,
        multipart([]).headers,
      ),
    status: 400,
    code: 'BAD_REQUEST',
  },
];

describe('request refusals', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.status} ${row.code}, nothing of the body quoted`, async () => {
      const answer = await row.send();
      const text = await answer.text();
      expect(answer.status, text).toBe(row.status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
      const body = JSON.parse(text) as { data?: unknown; errors: { message: string; extensions: { code?: string } }[] };
      expect(body.data ?? null).toBeNull();
      expect(body.errors.length).toBeGreaterThan(0);
      for (const error of body.errors) {
        expect(error.extensions.code).toBe(row.code);
        expect(Object.keys(error.extensions)).toEqual(['code']);
      }
      expect(text).not.toContain(MARKER);
    });
  }
});
