import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

export type ContentEncoding = 'br' | 'gzip';

/** Bodies under this are sent as they are: compressing them saves less than the headers it adds. */
export const MIN_COMPRESSED_BYTES = 1024;

/** GraphQL answers and the GraphiQL page; not event streams or multipart answers (they flush as they go). */
const COMPRESSIBLE_TYPES = /^(?:application\/(?:graphql-response\+)?json|text\/html)\b/i;

/** Compressed pages with an ETag (the same bytes each time: the GraphiQL page), by ETag and encoding. */
const MAX_CACHED_VARIANTS = 8;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Copied into a plain Uint8Array: what fetch's BodyInit accepts.
export const compressors: Record<ContentEncoding, (body: Uint8Array) => Promise<Uint8Array<ArrayBuffer>>> = {
  // Quality 5: most of brotli's gain at a fraction of the CPU of its default 11 (made for static files).
  br: async (body) =>
    new Uint8Array(
      await brotli(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
      }),
    ),
  gzip: async (body) => new Uint8Array(await gzipAsync(body)),
};

/**
 * The encoding the client prefers among br and gzip, by Accept-Encoding q-values (RFC 9110 §12.5.3),
 * br on a tie; `*` stands for any coding it does not name; null: none acceptable (send identity).
 */
export function preferredEncoding(acceptEncoding: string | null | undefined): ContentEncoding | null {
  if (acceptEncoding === null || acceptEncoding === undefined) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (name === '') continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: ContentEncoding | null = null;
  let bestWeight = 0;
  for (const encoding of ['br', 'gzip'] as const) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

function withVary(headers: Headers, value: string): void {
  const vary = headers.get('vary');
  if (vary === null || vary.trim() === '') headers.set('vary', value);
  else if (
    !vary
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes(value.toLowerCase()) &&
    vary.trim() !== '*'
  )
    headers.set('vary', `${vary}, ${value}`);
}

/**
 * gzip or br, as the client's Accept-Encoding prefers, for GraphQL answers and the GraphiQL page of
 * at least MIN_COMPRESSED_BYTES. Only answers whose length is known are compressed, whole, so the
 * compressed answer has an exact Content-Length; streamed answers (subscriptions, incremental
 * delivery) pass as they are. Bodiless answers (304, 204) and answers already encoded are left alone.
 * HEAD gets the headers GET would (Node drops the body). Not @whatwg-node/server's
 * useContentEncoding: it ignores q-values and sizes, sets no Vary, and inflates request bodies past
 * the edge's declared-length limit.
 */
export function useCompression(): Plugin {
  const cached = new Map<string, Uint8Array<ArrayBuffer>>();
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status !== 200 || response.body === null || response.headers.has('content-encoding')) return;
      if (!COMPRESSIBLE_TYPES.test(response.headers.get('content-type') ?? '')) return;
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (!Number.isInteger(length) || length < MIN_COMPRESSED_BYTES) return;
      const headers = new fetchAPI.Headers(response.headers);
      // The answer depends on Accept-Encoding from here on, whether or not this client gets it compressed.
      withVary(headers, 'Accept-Encoding');
      const encoding = preferredEncoding(request.headers.get('accept-encoding'));
      if (encoding === null) {
        setResponse(new fetchAPI.Response(await response.arrayBuffer(), { status: response.status, statusText: response.statusText, headers }));
        return;
      }
      // Only pages are kept compressed: a GraphQL answer's ETag (the response cache's) is per caller, and short-lived.
      const etag = response.headers.get('content-type')?.startsWith('text/html') === true ? response.headers.get('etag') : null;
      const cacheKey = etag === null ? null : `${encoding} ${etag}`;
      let body = cacheKey === null ? undefined : cached.get(cacheKey);
      if (body === undefined) {
        body = await compressors[encoding](new Uint8Array(await response.arrayBuffer()));
        if (cacheKey !== null) {
          const oldest = cached.keys().next();
          if (cached.size >= MAX_CACHED_VARIANTS && oldest.done !== true) cached.delete(oldest.value);
          cached.set(cacheKey, body);
        }
      } else {
        await response.body.cancel();
      }
      headers.set('content-encoding', encoding);
      headers.set('content-length', String(body.byteLength));
      setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
    },
  };
}
