import { createHash } from 'node:crypto';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export interface GraphiQLPageServing {
  /** The GraphQL endpoint the page is served on (GET or HEAD with Accept: text/html). */
  endpoint: string;
  /** yoga's GraphiQL options, or a function giving them on the first page request. */
  options: GraphiQLOptions | (() => Promise<GraphiQLOptions>);
  /** Called once, on the first page request (the offline renderer loads its ~80 MB package then). */
  render: (options: GraphiQLOptions) => string | Promise<string>;
}

/**
 * Revalidated on every load (`no-cache`) rather than kept for a while: the page is ~9 MB (~2 MB
 * compressed), so what matters is not sending it twice, which the ETag does with a 304, while a new
 * gateway version's page (examples, options) shows at the next load. `private`: in sandbox mode the
 * page embeds the demo token, which shared caches must not keep.
 */
const PAGE_CACHE_CONTROL = 'private, no-cache';

interface RenderedPage {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** If-None-Match by weak comparison (RFC 9110 §13.1.2): a compressed variant matches too. */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * GraphiQL, instead of yoga's own `graphiql` option: the same page, rendered once, with a validator
 * (a weak ETag from its content: weak, because useCompression sends it gzip- or br-encoded as well)
 * and caching headers; a matching If-None-Match gets a bodiless 304.
 */
export function useGraphiQLPage(page: GraphiQLPageServing): Plugin {
  const { endpoint, options, render } = page;
  let rendered: Promise<RenderedPage> | undefined;
  const renderOnce = (): Promise<RenderedPage> => {
    rendered ??= (typeof options === 'function' ? options() : Promise.resolve(options))
      .then((resolved) => render(resolved))
      .then(
        (html) => {
          const body = new TextEncoder().encode(html);
          return { body, etag: `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
        },
        (error: unknown) => {
          // The next request tries again.
          rendered = undefined;
          throw error;
        },
      );
    return rendered;
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (!(request.headers.get('accept') ?? '').includes('text/html')) return;
      if (url.pathname !== endpoint && url.pathname !== `${endpoint}/`) return;
      const { body, etag } = await renderOnce();
      const headers = { etag, 'cache-control': PAGE_CACHE_CONTROL, vary: 'Accept-Encoding' };
      if (matches(request.headers.get('if-none-match'), etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      endResponse(
        new fetchAPI.Response(body, {
          status: 200,
          headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.byteLength) },
        }),
      );
    },
  };
}
