import got, { HTTPError } from 'got';
import { NotFoundError, ProviderError } from '../../domain/errors.js';
import { matchesOriginPattern, parseOriginPattern } from '../../domain/origin-pattern.js';
import { cappedStream } from '../http/capped-stream.js';
import { transportError } from '../http/to-provider-error.js';
import { GATEWAY_USER_AGENT } from '../http/user-agent.js';
import { detectImageType } from '../image-type.js';
import type { MediaDownload } from '../provider.js';

/**
 * Where WeChat Pay's history `image_list` URLs may point (official example `https://qpic.cn/xxx`,
 * Tencent's image CDN family), as origin patterns (domain/origin-pattern.ts): plain http is only
 * ever fetched where an account lists it (the sandbox's own host).
 */
export const DEFAULT_PUBLIC_IMAGE_ORIGINS: readonly string[] = ['https://qpic.cn', 'https://*.qpic.cn', 'https://*.qlogo.cn'];

/** True when `url` is on one of the allowed origins (no credentials, no other scheme or port). */
export function isAllowedPublicImageUrl(url: URL, allowedOrigins: readonly string[]): boolean {
  if (url.username !== '' || url.password !== '') return false;
  return allowedOrigins.some((pattern) => {
    const origin = parseOriginPattern(pattern);
    return origin !== null && matchesOriginPattern(url, origin);
  });
}

export interface PublicImageFetcherOptions {
  /** Origin patterns (see DEFAULT_PUBLIC_IMAGE_ORIGINS) the fetcher may contact; nothing else. */
  allowedOrigins: readonly string[];
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

export type PublicImageFetcher = (url: string, maxBytes: number) => Promise<MediaDownload>;

const PROVIDER = 'WECHAT_PAY';

function refused(providerCode: string, message: string, httpStatus: number | null): ProviderError {
  return new ProviderError(message, { provider: PROVIDER, providerCode, httpStatus, retryable: false });
}

/** Caps the stream and checks the magic bytes of its start: an unknown CDN answer is trusted for nothing. */
async function* checkedImage(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of cappedStream(source, maxBytes, () => refused('MEDIA_TOO_LARGE', `The image is larger than ${maxBytes} bytes`, null))) {
    if (head === null) {
      yield chunk;
      continue;
    }
    // Held back until the longest signature (PNG, 8 bytes) can be checked.
    head = Buffer.concat([head, chunk]);
    if (head.length < 8) continue;
    if (detectImageType(head) === null) throw refused('MEDIA_NOT_IMAGE', 'The media answer is not an image', null);
    yield head;
    head = null;
  }
  if (head !== null && head.length > 0) {
    if (detectImageType(head) === null) throw refused('MEDIA_NOT_IMAGE', 'The media answer is not an image', null);
    yield head;
  }
}

/**
 * A plain, unsigned GET of a history image URL (spec 2.2: public, valid one hour, never endpoint 13).
 * It carries no credentials, so it is kept from being an open fetcher instead: allowed origins only,
 * no redirects (one could lead anywhere), size-capped and type-checked. An answer of 403/404/410 is
 * read as the URL having expired (the CDN does not say which), a NotFoundError.
 */
export function createPublicImageFetcher(options: PublicImageFetcherOptions): PublicImageFetcher {
  const { allowedOrigins, timeoutMs = 10_000 } = options;
  const http = got.extend({
    headers: { 'user-agent': GATEWAY_USER_AGENT, accept: 'image/*' },
    timeout: { request: timeoutMs },
    followRedirect: false,
    retry: { limit: 0 },
  });
  return async (mediaUrl, maxBytes) => {
    let url: URL;
    try {
      url = new URL(mediaUrl);
    } catch {
      throw refused('MEDIA_URL_INVALID', 'The history image URL is not a URL', null);
    }
    if (!isAllowedPublicImageUrl(url, allowedOrigins)) throw refused('MEDIA_HOST_NOT_ALLOWED', 'The history image URL is not on an allowed image host', null);
    const stream = http.stream(url, { method: 'GET' });
    const response = await new Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', reject);
    }).catch((error: unknown) => {
      if (error instanceof HTTPError) {
        const status = error.response.statusCode;
        if (status === 403 || status === 404 || status === 410) throw new NotFoundError('history image URL expired: read the history again for a fresh one');
        throw refused('MEDIA_DOWNLOAD_FAILED', 'The history image host answered with an error', status);
      }
      throw transportError(error, PROVIDER);
    });
    if (response.statusCode !== 200) {
      // A 3xx (redirects are not followed) or another non-error status: nothing to stream.
      stream.destroy();
      throw refused('MEDIA_DOWNLOAD_FAILED', 'The history image host did not send the image', response.statusCode);
    }
    const first = (name: string): string | undefined => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const length = first('content-length');
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
    if (declared !== null && declared > maxBytes) {
      stream.destroy();
      throw refused('MEDIA_TOO_LARGE', `The image is larger than ${maxBytes} bytes`, response.statusCode);
    }
    return { contentType: first('content-type') ?? 'application/octet-stream', contentLength: declared, body: checkedImage(stream, maxBytes) };
  };
}
