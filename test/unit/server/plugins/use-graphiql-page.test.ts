import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useGraphiQLPage } from '../../../../src/server/plugins/use-graphiql-page.js';

const schema = createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hi' } } });

describe('useGraphiQLPage', () => {
  it('renders on the first page request only, once, and answers a matching If-None-Match with 304', async () => {
    const rendered: unknown[] = [];
    let optionsAsked = 0;
    const yoga = createYoga({
      schema,
      graphiql: false,
      plugins: [
        useGraphiQLPage({
          endpoint: '/graphql',
          options: async () => {
            optionsAsked += 1;
            return { title: 'test page' };
          },
          render: (options) => {
            rendered.push(options);
            return `<html><head></head><body>${options.title}</body></html>`;
          },
        }),
      ],
    });
    // Nothing is rendered (or loaded) until a browser asks for the page; GraphQL requests never do.
    const query = await yoga.fetch('http://localhost/graphql?query={hello}', { headers: { accept: 'application/json' } });
    expect(await query.json()).toEqual({ data: { hello: 'hi' } });
    expect(rendered).toEqual([]);
    expect(optionsAsked).toBe(0);

    const page = await yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('test page');
    const etag = page.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"/);
    expect(page.headers.get('cache-control')).toBe('private, no-cache');

    const revalidated = await yoga.fetch('http://localhost/graphql/', { headers: { accept: 'text/html', 'if-none-match': `"x", ${etag.slice(2)}` } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    const head = await yoga.fetch('http://localhost/graphql', { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(head.headers.get('etag')).toBe(etag);
    expect(rendered).toEqual([{ title: 'test page' }]);
    expect(optionsAsked).toBe(1);
  });

  it('tries again on the next request when rendering failed', async () => {
    let attempts = 0;
    const yoga = createYoga({
      schema,
      graphiql: false,
      plugins: [
        useGraphiQLPage({
          endpoint: '/graphql',
          options: {},
          render: () => {
            attempts += 1;
            if (attempts === 1) throw new Error('renderer not ready');
            return '<html><head></head><body>ok</body></html>';
          },
        }),
      ],
    });
    // The failure reaches the edge (which answers 500), and is not kept.
    await expect(yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } })).rejects.toThrow('renderer not ready');
    const page = await yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(attempts).toBe(2);
  });
});
