import type { CORSOptions } from 'graphql-yoga';
import { matchesOriginPattern, parseOriginPattern, type OriginPattern } from '../domain/origin-pattern.js';

/** Sandbox mode's default: a console under development on this machine, whatever port its dev server picked. */
export const LOOPBACK_ORIGINS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'].flatMap((host) => [`http://${host}:*`, `https://${host}:*`]);

/**
 * yoga's `cors` option: CORS headers only for a request whose Origin matches one of the origin
 * patterns (none: no cross-origin access at all), and never with credentials (callers send a bearer
 * token; the gateway sets no cookies). Patterns that do not parse match nothing (config refuses them).
 */
export function createCorsOptions(origins: readonly string[]): (request: Request) => CORSOptions {
  const patterns = origins.map(parseOriginPattern).filter((pattern): pattern is OriginPattern => pattern !== null);
  return (request) => {
    const header = request.headers.get('origin');
    if (header === null || patterns.length === 0) return false;
    let origin: URL;
    try {
      origin = new URL(header);
    } catch {
      return false;
    }
    // Browsers send the serialised origin; anything else (a path, credentials, "null") is no origin.
    if (origin.origin !== header || !patterns.some((pattern) => matchesOriginPattern(origin, pattern))) return false;
    // The origin is checked: `*` makes yoga echo it with `Vary: Origin` (never a literal `*`).
    // A console reads these two to back off after a 429 and to quote a request to support.
    return { origin: '*', credentials: false, methods: ['GET', 'POST'], exposedHeaders: ['retry-after', 'x-request-id'], maxAge: 600 };
  };
}
