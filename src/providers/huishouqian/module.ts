import type { ProviderModule } from '../provider-module.js';
import { createHuishouqianAccount } from './account.js';
import { huishouqianAccountInput, resolveHuishouqianAccount, type HuishouqianAccountConfig, type HuishouqianAccountInput } from './config.js';

/** Huishouqian's complaint API as a provider module. */
export const huishouqianModule: ProviderModule<HuishouqianAccountInput, HuishouqianAccountConfig> = {
  name: 'HUISHOUQIAN',
  slug: 'huishouqian',
  accountSchema: huishouqianAccountInput,
  resolveAccount: (input, at, secrets, index) => resolveHuishouqianAccount(input, at, secrets, index),
  // Huishouqian keeps its budget per merchant in process (it publishes no limit).
  createAccount: ({ account: _account, ...options }, deps) =>
    createHuishouqianAccount({
      ...options,
      pii: deps.pii,
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      ...(deps.onUpstreamCall === undefined ? {} : { onUpstreamCall: deps.onUpstreamCall }),
      ...(deps.onQuotaRemaining === undefined ? {} : { onQuotaRemaining: deps.onQuotaRemaining }),
    }),
  // Only the plain-text `SUCCESS` counts as received: anything else is redelivered.
  refuseNotification: () => ({ contentType: 'text/plain; charset=utf-8', body: 'failure' }),
  // Loaded on demand: a gateway with real credentials never loads sandbox code.
  startSandbox: async (options) => (await import('../../sandbox/huishouqian/sandbox-provider.js')).startHuishouqianSandboxProvider(options),
};
