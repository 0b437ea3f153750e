import { createHash } from 'node:crypto';
import type { MerchantGrant, Principal, Scope } from '../../domain/access.js';

/** One configured bearer token: only its SHA-256 is kept, so a leaked config does not leak tokens. */
export interface AccessTokenConfig {
  /** Who holds it, for logs and errors (never the token). */
  name: string;
  /** Lowercase hex SHA-256 of the token's UTF-8 bytes (`printf %s "$TOKEN" | sha256sum`). */
  sha256: string;
  scopes: readonly Scope[];
  merchants: 'all' | readonly MerchantGrant[];
  /** GraphQL requests per minute (use-token-rate-limit.ts); null or absent: unlimited. */
  requestsPerMinute?: number | null;
}

/** A token as the config file's `auth.tokens` lists it: merchants `"*"`, `"merchantNo"` or `"PROVIDER:merchantNo"`. */
export interface AccessTokenEntry {
  name: string;
  sha256: string;
  scopes: Scope[];
  merchants: '*' | string[];
}

export interface AccessTokens {
  /** The principal of an `Authorization` header value, or null when it names no valid token. */
  authenticate(authorization: string | null): Principal | null;
}

// Longer than any token we issue or accept: refuses to hash megabytes of header.
const MAX_TOKEN_CHARS = 512;

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Looks tokens up by their hash. Tokens are long random strings, so a plain SHA-256 is the right
 * tool (no salt or slow hash needed), and a map lookup by hash leaks no timing about the token.
 */
export function createAccessTokens(tokens: readonly AccessTokenConfig[]): AccessTokens {
  const byHash = new Map<string, Principal>();
  for (const token of tokens) {
    byHash.set(token.sha256.toLowerCase(), { name: token.name, scopes: new Set(token.scopes), merchants: token.merchants });
  }
  return {
    authenticate(authorization) {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
      const token = match?.[1];
      if (token === undefined || token.length > MAX_TOKEN_CHARS) return null;
      return byHash.get(hashAccessToken(token)) ?? null;
    },
  };
}
