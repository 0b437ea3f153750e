import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useCsrfPrevention } from '../../../../src/server/plugins/use-csrf-prevention.js';

// Without the gateway's useAuth (which answers 401 first to anything without a valid bearer token), to see the check itself.
const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
  plugins: [useCsrfPrevention(['x-graphql-yoga-csrf'])],
  logging: false,
});

const get = (headers: Record<string, string>) => yoga.fetch(`http://gateway.test/graphql?query=${encodeURIComponent('{ ok }')}`, { headers });

const multipart = (headers: Record<string, string>) => {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: '{ ok }' }));
  form.append('map', '{}');
  return yoga.fetch('http://gateway.test/graphql', { method: 'POST', body: form, headers });
};

describe('useCsrfPrevention', () => {
  it('refuses GET and multipart requests with neither a bearer token nor a CSRF header: 403 with a code', async () => {
    for (const answer of [await get({}), await multipart({}), await get({ authorization: 'Basic dXNlcjpwYXNz' }), await get({ authorization: 'Bearer' })]) {
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({
        errors: [{ message: expect.stringContaining('Authorization: Bearer'), extensions: { code: 'CSRF_HEADER_REQUIRED' } }],
      });
    }
  });

  it('lets a request with a bearer token through, whatever its method and content type', async () => {
    for (const answer of [
      await get({ authorization: 'Bearer t0ken' }),
      await get({ authorization: 'bearer t0ken' }),
      await multipart({ authorization: 'Bearer t0ken' }),
    ]) {
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ data: { ok: true } });
    }
  });

  it('still takes the CSRF header, and JSON POSTs (preflighted by browsers) need nothing', async () => {
    expect((await get({ 'x-graphql-yoga-csrf': '1' })).status).toBe(200);
    const json = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ ok }' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(200);
  });
});
