import { merchantKeyToString, type MerchantKey } from '../domain/complaint-key.js';
import { ConfigurationError, NotFoundError } from '../domain/errors.js';
import type { Merchant } from '../domain/merchant.js';
import type { ComplaintProvider } from './provider.js';

/** The configured merchants: one ComplaintProvider each, found by (provider, merchantNo). */
export interface ProviderRegistry {
  /** Every configured merchant, in configuration order. */
  readonly merchants: readonly Merchant[];
  readonly providers: readonly ComplaintProvider[];
  find(merchant: MerchantKey): ComplaintProvider | undefined;
  /** Throws NotFoundError for a merchant this gateway does not serve. */
  get(merchant: MerchantKey): ComplaintProvider;
}

/**
 * The registry as one caller sees it: merchants it was not granted do not exist for it, so every
 * lookup (lists, ids, loaders, mutations) fails for them exactly as for an unknown merchant.
 */
export function createScopedRegistry(registry: ProviderRegistry, allows: (merchant: MerchantKey) => boolean): ProviderRegistry {
  return createProviderRegistry(registry.providers.filter((provider) => allows(provider.merchant)));
}

export function createProviderRegistry(providers: readonly ComplaintProvider[]): ProviderRegistry {
  const byMerchant = new Map<string, ComplaintProvider>();
  for (const provider of providers) {
    const id = merchantKeyToString(provider.merchant);
    if (byMerchant.has(id)) throw new ConfigurationError(`merchant ${id} is configured twice`);
    byMerchant.set(id, provider);
  }
  const find = (merchant: MerchantKey): ComplaintProvider | undefined => byMerchant.get(merchantKeyToString(merchant));
  return {
    merchants: providers.map((provider) => provider.merchant),
    providers: [...providers],
    find,
    get(merchant) {
      const provider = find(merchant);
      // The same words for a merchant that is not configured and one the caller may not see.
      if (provider === undefined) throw new NotFoundError(`unknown merchant ${merchantKeyToString(merchant)}`);
      return provider;
    },
  };
}
