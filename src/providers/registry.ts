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
      if (provider === undefined) throw new NotFoundError(`no merchant ${merchantKeyToString(merchant)} is configured`);
      return provider;
    },
  };
}
