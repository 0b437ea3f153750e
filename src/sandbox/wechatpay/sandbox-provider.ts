import type { RunningSandbox, SandboxStartOptions } from '../../providers/provider-module.js';
import { wechatPayAccountsFromKeys } from './config-accounts.js';
import { startWechatPaySandbox } from './server.js';

/** The WeChat Pay sandbox as sandbox mode runs it: seeded, on its own port, with fresh keys. */
export async function startWechatPaySandboxProvider(options: SandboxStartOptions): Promise<RunningSandbox> {
  const sandbox = await startWechatPaySandbox(options.port === undefined ? {} : { port: options.port });
  const accounts = wechatPayAccountsFromKeys(sandbox.keys);
  return {
    baseUrl: sandbox.baseUrl,
    keys: sandbox.keys,
    accounts,
    merchantNos: accounts.flatMap((account) => account.merchants.map((merchant) => merchant.mchid)),
    // Through the real notification-URL API, as a merchant would: one URL per calling account.
    async pointNotificationsAt(webhookUrl, registry) {
      for (const account of accounts) {
        const merchant = account.merchants[0];
        if (merchant === undefined) continue;
        const provider = registry.get({ provider: 'WECHAT_PAY', merchantNo: merchant.mchid });
        const url = webhookUrl(account.account ?? account.mchid);
        if ((await provider.getNotificationUrl()) === null) await provider.createNotificationUrl(url);
        else await provider.updateNotificationUrl(url);
      }
    },
    close: () => sandbox.close(),
  };
}
