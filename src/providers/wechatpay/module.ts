import type { ProviderModule } from '../provider-module.js';
import { createWechatPayAccount } from './account.js';
import { resolveWechatPayAccount, wechatPayAccountInput, type WechatPayAccountConfig, type WechatPayAccountInput } from './config.js';

/** WeChat Pay APIv3 complaints 2.0 as a provider module. */
export const wechatPayModule: ProviderModule<WechatPayAccountInput, WechatPayAccountConfig> = {
  name: 'WECHAT_PAY',
  slug: 'wechatpay',
  accountSchema: wechatPayAccountInput,
  resolveAccount: (input, at, secrets) => resolveWechatPayAccount(input, at, secrets),
  createAccount: ({ account: _account, ...options }, { onBackgroundError, ...deps }) =>
    createWechatPayAccount({
      ...options,
      ...deps,
      ...(onBackgroundError === undefined ? {} : { onCertificateRefreshError: (error: unknown) => onBackgroundError('platform certificate refresh', error) }),
    }),
  // WeChat redelivers on any 4xx/5xx; signature probes must fail like a forgery.
  refuseNotification: (message) => ({ contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 'FAIL', message }) }),
  // Loaded on demand: a gateway with real credentials never loads sandbox code.
  startSandbox: async (options) => (await import('../../sandbox/wechatpay/sandbox-provider.js')).startWechatPaySandboxProvider(options),
};
