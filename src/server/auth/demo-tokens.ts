import { SCOPES } from '../../domain/access.js';
import { hashAccessToken, type AccessTokenEntry } from './access-tokens.js';

/** Sandbox mode only (README "Access tokens"): well-known tokens, never present with a config file. */
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin';
export const SANDBOX_READONLY_TOKEN = 'sandbox-readonly';

export function sandboxMerchantToken(merchantNo: string): string {
  return `sandbox-merchant-${merchantNo}`;
}

/**
 * `sandbox-admin`: everything; `sandbox-readonly`: read every merchant, no PII; and per merchant
 * number a console token (`sandbox-merchant-{merchantNo}`) with every scope, for that merchant only.
 * Their names (in logs) are not the tokens, as with any configured token: `demo-admin`, ...
 */
export function sandboxDemoTokens(merchantNos: readonly string[]): AccessTokenEntry[] {
  return [
    { name: 'demo-admin', sha256: hashAccessToken(SANDBOX_ADMIN_TOKEN), scopes: [...SCOPES], merchants: '*' },
    { name: 'demo-readonly', sha256: hashAccessToken(SANDBOX_READONLY_TOKEN), scopes: ['complaints:read'], merchants: '*' },
    ...[...new Set(merchantNos)].map((merchantNo) => ({
      name: `demo-merchant-${merchantNo}`,
      sha256: hashAccessToken(sandboxMerchantToken(merchantNo)),
      scopes: [...SCOPES],
      merchants: [merchantNo],
    })),
  ];
}
