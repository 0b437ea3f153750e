import { createAccessTokens } from '../server/auth/access-tokens.js';

/**
 * Whether a scrape may read `/metrics`: anyone when no token is configured, else only with
 * `Bearer <token>`, checked exactly as the GraphQL tokens are (a token with no grants).
 */
export function metricsAuthorization(tokenSha256: string | null): (authorization: string | undefined) => boolean {
  if (tokenSha256 === null) return () => true;
  const scraper = createAccessTokens([{ name: 'metrics', sha256: tokenSha256, scopes: [], merchants: [] }]);
  return (authorization) => scraper.authenticate(authorization ?? null) !== null;
}
