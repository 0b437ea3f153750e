import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ForbiddenError, GatewayError, NotFoundError, ProviderError, RateLimitedError, UnsupportedError, ValidationError } from '../domain/errors.js';
import type { CacheStore } from '../cache/store.js';
import { loadOwnedComplaint } from '../loaders/complaint-loader.js';
import { cappedStream } from '../providers/http/capped-stream.js';
import { systemClock, type Clock } from '../providers/http/clock.js';
import { imageContentType, imageTypeOfContentType } from '../providers/image-type.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Logger } from './logger.js';
import { MediaTokenError, verifyMediaToken } from '../crypto/media-token.js';

export interface MediaHandlerOptions {
  /** The key media tokens are signed with (the same one the schema signs media URLs with). */
  tokenSecret: KeyObject;
  registry: ProviderRegistry;
  /** Where the complaint behind a token is found (usually cached) to check its owner again. */
  cache: CacheStore;
  logger: Logger;
  /** Upper bound for any image, whatever the provider's own limit; default 10 MiB. */
  maxBytes?: number;
  /** Checks token expiry; default systemClock. */
  clock?: Clock;
}

export type MediaHandler = (token: string, request: IncomingMessage, response: ServerResponse) => Promise<void>;

const DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/** Upstream sent something that is not an acceptable image. */
class MediaContentError extends GatewayError {
  override readonly name = 'MediaContentError';
  readonly code = 'MEDIA_CONTENT_ERROR';
}

interface Failure {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

// Messages are ours, never the provider's: an upstream message may quote request details.
function toFailure(error: unknown): Failure {
  if (error instanceof MediaTokenError) return { status: 403, code: error.code, message: error.message };
  if (error instanceof ForbiddenError) return { status: 403, code: error.code, message: 'media access refused' };
  if (error instanceof NotFoundError) return { status: 404, code: error.code, message: 'media not found' };
  if (error instanceof UnsupportedError) return { status: 501, code: error.code, message: 'this merchant cannot download media' };
  if (error instanceof RateLimitedError) {
    return {
      status: 429,
      code: error.code,
      message: 'provider rate limit reached, retry later',
      headers: { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) },
    };
  }
  if (error instanceof MediaContentError || error instanceof ValidationError) {
    return { status: 502, code: 'MEDIA_CONTENT_ERROR', message: 'provider sent no acceptable image' };
  }
  if (error instanceof ProviderError) {
    const timeout = error.providerCode === 'ETIMEDOUT';
    return { status: timeout ? 504 : 502, code: error.code, message: `${error.provider} media download failed` };
  }
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'media download failed' };
}

/**
 * `/media/{token}`: verifies the token (only URLs the gateway put in a response), finds the merchant's
 * provider, and streams its download (signed, or plain for a public history image) to the browser with safe headers. Errors before the
 * first byte get a typed status and a JSON body; an error mid-stream aborts the connection.
 */
export function createMediaHandler(options: MediaHandlerOptions): MediaHandler {
  const { tokenSecret, registry, cache, logger, maxBytes = DEFAULT_MAX_MEDIA_BYTES, clock = systemClock } = options;

  const fail = (response: ServerResponse, error: unknown): void => {
    const failure = toFailure(error);
    (failure.status >= 500 ? logger.warn : logger.info).call(
      logger,
      { status: failure.status, errorCode: error instanceof GatewayError ? error.code : 'UNKNOWN' },
      'media request failed',
    );
    response.writeHead(failure.status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...failure.headers,
    });
    response.end(JSON.stringify({ code: failure.code, message: failure.message }));
  };

  return async (token, request, response) => {
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ code: 'METHOD_NOT_ALLOWED', message: 'use GET' }));
      return;
    }
    let body: AsyncIterable<Uint8Array>;
    const headers: Record<string, string> = {};
    try {
      const payload = verifyMediaToken(tokenSecret, token, clock.now());
      const merchant = { provider: payload.provider, merchantNo: payload.merchantNo };
      // Tokens are only made for complaints the merchant owns; checked again (cache, then provider)
      // so that a token outlives neither a change of owner nor a mistake in the code that made it.
      await loadOwnedComplaint({ registry, cache }, { ...merchant, complaintId: payload.complaintId });
      const provider = registry.get(merchant);
      const limit = Math.min(maxBytes, provider.limits.maxImageBytes > 0 ? provider.limits.maxImageBytes : maxBytes);
      const download = await provider.downloadMedia({ url: payload.url, complaintId: payload.complaintId, source: payload.source ?? 'COMPLAINT_MEDIA' });
      // Only the types the providers serve; anything else (HTML, SVG with script) is never passed on.
      const type = imageTypeOfContentType(download.contentType);
      if (type === null) throw new MediaContentError('media is not an image');
      if (download.contentLength !== null && download.contentLength > limit) throw new MediaContentError('media too large');
      headers['content-type'] = imageContentType(type);
      if (download.contentLength !== null) headers['content-length'] = String(download.contentLength);
      body = cappedStream(download.body, limit, () => new MediaContentError(`media larger than ${limit} bytes`));
    } catch (error) {
      fail(response, error);
      return;
    }

    response.writeHead(200, {
      ...headers,
      // A media URL names fixed content; it belongs to one merchant's complaint, so browsers only.
      'cache-control': 'private, max-age=86400, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'content-disposition': 'inline',
    });
    try {
      await pipeline(Readable.from(body), response);
    } catch (error) {
      logger.warn({ errorCode: error instanceof GatewayError ? error.code : 'STREAM_ERROR' }, 'media stream aborted');
      response.destroy();
    }
  };
}
