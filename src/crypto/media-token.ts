import type { KeyObject } from 'node:crypto';
import { openToken, signToken } from './signed-token.js';
import { PROVIDERS } from '../domain/complaint-key.js';
import type { MediaSource } from '../domain/complaint.js';
import { ForbiddenError, type ProviderName } from '../domain/errors.js';

/** What a media proxy URL stands for: one provider media URL of one merchant's complaint. */
export interface MediaTokenPayload {
  provider: ProviderName;
  merchantNo: string;
  complaintId: string;
  url: string;
  /** Where the URL was found (it decides signed or public download); absent: COMPLAINT_MEDIA. */
  source?: MediaSource;
  /** Epoch seconds after which the URL is refused: a leaked URL stops working on its own. */
  expiresAt: number;
}

/** Long enough for a console page that stays open; fresh URLs come with every read of the complaint. */
export const MEDIA_URL_TTL_SECONDS = 60 * 60;

/**
 * When a media URL made now expires: the end of the next whole TTL period, so it lives one to two
 * periods and stays the same URL within a period, which lets browsers cache the image instead of
 * downloading it through the provider's signed (and rate-limited) endpoint on every page view.
 */
export function mediaUrlExpiry(nowMs: number): number {
  return (Math.floor(nowMs / 1000 / MEDIA_URL_TTL_SECONDS) + 2) * MEDIA_URL_TTL_SECONDS;
}

const MAX_TOKEN_CHARS = 8192;

/** A media URL that is forged, tampered with or expired; its message is safe to show. */
export class MediaTokenError extends ForbiddenError {}

/**
 * A signed token (signed-token.ts): only URLs the gateway itself put in a response open, so
 * `/media/<token>` cannot be used to make the gateway fetch arbitrary URLs with a merchant's keys.
 */
export function signMediaToken(secret: KeyObject, payload: MediaTokenPayload): string {
  return signToken(
    secret,
    JSON.stringify([payload.provider, payload.merchantNo, payload.complaintId, payload.url, payload.expiresAt, payload.source ?? 'COMPLAINT_MEDIA']),
  );
}

/** Throws MediaTokenError for anything but an untampered, unexpired token signed with `secret`. */
export function verifyMediaToken(secret: KeyObject, token: string, nowMs: number): MediaTokenPayload {
  const refuse = (): MediaTokenError => new MediaTokenError('invalid media token');
  const payload = openToken(secret, token, MAX_TOKEN_CHARS);
  if (payload === null) throw refuse();
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw refuse();
  }
  // Five elements: a token made before history images had a source of their own (complaint media).
  if (!Array.isArray(value) || (value.length !== 5 && value.length !== 6)) throw refuse();
  const [provider, merchantNo, complaintId, url, expiresAt, source = 'COMPLAINT_MEDIA'] = value as unknown[];
  if (
    typeof provider !== 'string' ||
    typeof merchantNo !== 'string' ||
    typeof complaintId !== 'string' ||
    typeof url !== 'string' ||
    typeof expiresAt !== 'number' ||
    (source !== 'COMPLAINT_MEDIA' && source !== 'HISTORY_IMAGE')
  ) {
    throw refuse();
  }
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw refuse();
  if (nowMs / 1000 > expiresAt) throw new MediaTokenError('media URL expired: read the complaint again for a fresh one');
  return { provider: provider as ProviderName, merchantNo, complaintId, url, expiresAt, source };
}
