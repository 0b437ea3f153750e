import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../providers/http/clock.js';
import type { StoredImage } from './complaint-record.js';

/**
 * The sandbox's stand-in for the CDN behind a history record's `image_list` (spec 2.2: plain public
 * URLs such as `https://qpic.cn/xxx`, valid one hour, fetched with an unsigned GET). It lives on the
 * sandbox's own server under `/public-images/`, outside the /v3 API: no signature, no Accept or
 * User-Agent rule, no counters, faults or rate limits. The real URL format and the answer after
 * expiry are undocumented; the sandbox's choices: the URL carries its expiry and an HMAC (so it
 * cannot be extended or pointed at another image), and an expired URL answers 404, a forged one 403.
 */

export const PUBLIC_IMAGE_PATH = '/public-images/';

/** One hour (spec 2.2). */
export const PUBLIC_IMAGE_TTL_SECONDS = 60 * 60;

export interface PublicImageHostOptions {
  clock: Clock;
  baseUrl(): string;
  /** The image behind a media id, or undefined when there is none (any more). */
  image(mediaId: string): StoredImage | undefined;
}

export interface PublicImageHost {
  /** A fresh public URL for a stored media id, valid for PUBLIC_IMAGE_TTL_SECONDS from now. */
  url(mediaId: string): string;
  /** Answers a request whose target starts with PUBLIC_IMAGE_PATH. */
  handle(request: IncomingMessage, response: ServerResponse, target: string): void;
}

export function createPublicImageHost(options: PublicImageHostOptions): PublicImageHost {
  const { clock } = options;
  // Per sandbox run: URLs of an earlier run never open.
  const secret = randomBytes(32);
  const mac = (mediaId: string, expires: number): string => createHmac('sha256', secret).update(`${mediaId}\n${expires}`).digest('base64url');

  const answer = (response: ServerResponse, status: number, text: string): void => {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(text);
  };

  return {
    url(mediaId) {
      const expires = Math.floor(clock.now() / 1000) + PUBLIC_IMAGE_TTL_SECONDS;
      return `${options.baseUrl()}${PUBLIC_IMAGE_PATH}${encodeURIComponent(mediaId)}?expires=${expires}&sig=${mac(mediaId, expires)}`;
    },
    handle(request, response, target) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        answer(response, 405, 'method not allowed');
        return;
      }
      const url = new URL(target, 'http://sandbox.invalid');
      let mediaId: string;
      try {
        mediaId = decodeURIComponent(url.pathname.slice(PUBLIC_IMAGE_PATH.length));
      } catch {
        answer(response, 404, 'not found');
        return;
      }
      const expiresText = url.searchParams.get('expires') ?? '';
      const expires = /^\d{1,12}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
      const given = Buffer.from(url.searchParams.get('sig') ?? '', 'utf8');
      const expected = Buffer.from(mac(mediaId, expires), 'utf8');
      if (Number.isNaN(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        answer(response, 403, 'forbidden');
        return;
      }
      const left = expires - Math.floor(clock.now() / 1000);
      const image = left < 0 ? undefined : options.image(mediaId);
      if (image === undefined) {
        answer(response, 404, 'not found');
        return;
      }
      response.writeHead(200, { 'Content-Type': image.contentType, 'Content-Length': image.bytes.length, 'Cache-Control': `public, max-age=${left}` });
      response.end(request.method === 'HEAD' ? undefined : image.bytes);
    },
  };
}
