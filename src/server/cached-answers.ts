import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { ResponseCache, ResponseKeyInput, StoredResponse } from '../cache/response-cache.js';
import type { Principal } from '../domain/access.js';
import { currentRequestScope } from '../observability/request-scope.js';
import { readBody } from './read-body.js';
import { compressors, MIN_COMPRESSED_BYTES, preferredEncoding, type ContentEncoding } from './plugins/use-compression.js';
import { operationNameFromText } from './plugins/use-request-observation.js';
import { rateLimitedAnswer, type TokenRateLimit } from './plugins/use-token-rate-limit.js';
import { singleResultMediaType, type SingleResultMediaType } from './response-media-type.js';

/** What a GraphQL POST body names, as far as the key of its answer goes. */
export interface GraphqlRequestBody {
  /** The query text, or `documentId:<id>` / `sha256:<hash>` for a persisted document named by id. */
  document: string;
  variables: unknown;
  operationName: string | null | undefined;
  /** The query text when the body carries one (for the access log's operation name). */
  query: string | undefined;
}

export interface CachedAnswersOptions {
  responseCache: Pick<ResponseCache, 'lookup' | 'markLookedUp'>;
  /** The caller of an Authorization header value (the same lookup yoga's plugins use). */
  authenticate(authorization: string | undefined): Principal | null;
  /** What the key of this caller's request is made of, as the response cache's plugin makes it. */
  keyInputOf(principal: Principal, body: GraphqlRequestBody): ResponseKeyInput;
  rateLimit: TokenRateLimit | null;
  /** Cross-origin access configured: requests with an Origin go to yoga, which writes the CORS headers. */
  crossOrigin: boolean;
  /** Only trusted documents run: a body with query text goes to yoga, which refuses the unlisted ones. */
  trustedDocumentsOnly: boolean;
}

export interface CachedAnswers {
  /**
   * Answers a GraphQL request from a stored response when there is one (true). Otherwise (false) the
   * request goes on to yoga with its body read and kept on `request.body`, where yoga's node adapter
   * takes it from. The edge has refused bodies over `maxBodyBytes` by their declared length already.
   */
  answer(request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): Promise<boolean>;
  /** The ETag the edge computed for a request it handed to yoga: the plugin keys (and stores) its answer by it. */
  etagOf(request: IncomingMessage): string | undefined;
}

/**
 * Answers' bytes kept by ETag and encoding (identity included): a warm page is asked for again and
 * again, and its ETag changes whenever its content may have. Sent as kept, a hit allocates no body.
 */
const MAX_KEPT_ANSWERS = 64;

function documentOf(body: Record<string, unknown>): string | undefined {
  if (typeof body['query'] === 'string') return body['query'];
  if (typeof body['documentId'] === 'string') return `documentId:${body['documentId']}`;
  const persisted = (body['extensions'] as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? `sha256:${persisted.sha256Hash}` : undefined;
}

/** The body as the key sees it, or undefined for what the edge leaves to yoga (batches, malformed bodies). */
function parseBody(raw: Buffer): GraphqlRequestBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const body = parsed as Record<string, unknown>;
  const document = documentOf(body);
  const { operationName } = body;
  if (document === undefined || (operationName !== undefined && operationName !== null && typeof operationName !== 'string')) return undefined;
  return { document, variables: body['variables'], operationName, query: typeof body['query'] === 'string' ? body['query'] : undefined };
}

/** yoga's rule for a 304: the client's copy is at least as new as the stored response (or it sent no date). */
function notModified(request: IncomingMessage, etag: string, stored: StoredResponse): boolean {
  if (request.headers['if-none-match'] !== etag) return false;
  const since = request.headers['if-modified-since'];
  return since === undefined || new Date(since).getTime() >= new Date(stored.lastModified).getTime();
}

/**
 * Warm answers at the HTTP edge, before yoga: a GraphQL POST whose response is in the response cache
 * is answered from its stored bytes, with no request object, parse, validation, execution or
 * serialisation. It is the same answer yoga would send (body, Content-Type, ETag, Last-Modified,
 * 304, compression, rate limit, access log); whatever the edge cannot answer exactly as yoga would
 * (other methods, batches, an Origin when CORS is configured, a streaming Accept) goes to yoga
 * unchanged. The key is the response cache's own, so both paths find the same entries.
 */
export function createCachedAnswers(options: CachedAnswersOptions): CachedAnswers {
  const { responseCache, authenticate, keyInputOf, rateLimit, crossOrigin, trustedDocumentsOnly } = options;
  const handedOn = new WeakMap<IncomingMessage, string>();
  const bodies = new LRUCache<string, Uint8Array>({ max: MAX_KEPT_ANSWERS });
  const bodyOf = async (etag: string, stored: StoredResponse, encoding: ContentEncoding | null): Promise<Uint8Array> => {
    const id = `${encoding ?? 'identity'} ${etag}`;
    let bytes = bodies.get(id);
    if (bytes === undefined) {
      const plain = Buffer.from(stored.body, 'utf8');
      bytes = encoding === null ? plain : await compressors[encoding](plain);
      bodies.set(id, bytes);
    }
    return bytes;
  };
  // Clients send the same few Accept headers.
  const mediaTypes = new LRUCache<string, SingleResultMediaType | 'none'>({ max: MAX_KEPT_ANSWERS });
  const mediaTypeOf = (accept: string | undefined): SingleResultMediaType | undefined => {
    const asked = accept ?? '';
    let chosen = mediaTypes.get(asked);
    if (chosen === undefined) {
      chosen = singleResultMediaType(accept) ?? 'none';
      mediaTypes.set(asked, chosen);
    }
    return chosen === 'none' ? undefined : chosen;
  };

  const send = async (request: IncomingMessage, response: ServerResponse, etag: string, stored: StoredResponse, mediaType: string): Promise<void> => {
    const headers: Record<string, string> = { etag, 'last-modified': stored.lastModified };
    if (notModified(request, etag, stored)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    headers['content-type'] = `${mediaType}; charset=utf-8`;
    const plain = await bodyOf(etag, stored, null);
    // As useCompression decides.
    const compressible = plain.byteLength >= MIN_COMPRESSED_BYTES;
    const encoding = compressible ? preferredEncoding(request.headers['accept-encoding']) : null;
    const body = encoding === null ? plain : await bodyOf(etag, stored, encoding);
    if (compressible) headers['vary'] = 'Accept-Encoding';
    if (encoding !== null) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.byteLength);
    response.writeHead(200, headers);
    response.end(body);
  };

  return {
    async answer(request, response, maxBodyBytes) {
      if (request.method !== 'POST') return false;
      const contentType = (request.headers['content-type'] ?? '').toLowerCase();
      if (!contentType.startsWith('application/json')) return false;
      if (crossOrigin && request.headers.origin !== undefined) return false;
      const mediaType = mediaTypeOf(request.headers.accept);
      if (mediaType === undefined) return false;
      const principal = authenticate(request.headers.authorization);
      if (principal === null) return false;
      // From here the body is read: whatever happens, yoga gets it.
      const { body: raw } = await readBody(request, maxBodyBytes);
      (request as IncomingMessage & { body?: Buffer }).body = raw;
      const body = parseBody(raw);
      if (body === undefined || (trustedDocumentsOnly && body.query !== undefined)) return false;
      const { etag, found: stored } = await responseCache.lookup(keyInputOf(principal, body));
      if (stored === undefined) {
        handedOn.set(request, etag);
        response.once('close', responseCache.markLookedUp(etag));
        return false;
      }
      const scope = currentRequestScope();
      if (scope !== undefined) {
        scope.tokenName = principal.name;
        scope.operation = operationNameFromText(body.operationName, body.query);
      }
      const refusal = rateLimit === null ? null : await rateLimit.take(principal);
      if (refusal !== null) {
        const answer = rateLimitedAnswer(refusal);
        response.writeHead(429, answer.headers);
        response.end(answer.body);
        return true;
      }
      if (scope !== undefined) scope.outcome = 'ok';
      await send(request, response, etag, stored, mediaType);
      return true;
    },
    etagOf: (request) => handedOn.get(request),
  };
}
