import { SCOPES, type MerchantGrant, type Scope } from '../../src/domain/access.js';
import { createAccessTokens, hashAccessToken, type AccessTokenConfig, type AccessTokens } from '../../src/server/auth/access-tokens.js';

/** For gateways built in-process (not through config): a token with every scope and merchant. */
export const TEST_ADMIN_TOKEN = 'test-admin-token';
export const ADMIN_AUTHORIZATION = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

export function testToken(name: string, scopes: readonly Scope[], merchants: 'all' | readonly MerchantGrant[]): AccessTokenConfig {
  return { name, sha256: hashAccessToken(name), scopes, merchants };
}

/** The admin token plus `extra` (each test token's secret is its name). */
export function testAccessTokens(extra: readonly AccessTokenConfig[] = []): AccessTokens {
  return createAccessTokens([testToken(TEST_ADMIN_TOKEN, SCOPES, 'all'), ...extra]);
}
