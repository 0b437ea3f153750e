import type { MerchantKey } from './complaint-key.js';
import type { ProviderName } from './errors.js';

/** What a caller may do, as granted to its access token. */
export const SCOPES = ['complaints:read', 'complaints:write', 'pii:read', 'notifications:admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A merchant a token is granted: one provider's merchant, or that merchant number at any provider. */
export interface MerchantGrant {
  provider?: ProviderName;
  merchantNo: string;
}

/** The caller of one request: who it is (a name for logs, never the token) and what it was granted. */
export interface Principal {
  name: string;
  scopes: ReadonlySet<Scope>;
  merchants: 'all' | readonly MerchantGrant[];
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope);
}

export function mayAccessMerchant(principal: Principal, merchant: MerchantKey): boolean {
  if (principal.merchants === 'all') return true;
  return principal.merchants.some(
    (grant) => grant.merchantNo === merchant.merchantNo && (grant.provider === undefined || grant.provider === merchant.provider),
  );
}
