import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * `<base64url(payload)>.<base64url(HMAC-SHA256)>`: readable (it holds nothing secret), only not
 * forgeable. Media URLs and cursors are such tokens: only what the gateway itself handed out opens.
 */
export function signToken(secret: KeyObject, payload: string): string {
  const body = Buffer.from(payload, 'utf8').toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The payload of a token signed with `secret`, or null for anything else (forged, altered, malformed, too long). */
export function openToken(secret: KeyObject, token: string, maxChars: number): string | null {
  if (token.length > maxChars) return null;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (match === null) return null;
  const [, body, signature] = match as unknown as [string, string, string];
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Buffer.from(body, 'base64url').toString('utf8');
}

function mac(secret: KeyObject, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}
