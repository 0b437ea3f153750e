import type { RunningSandbox, SandboxStartOptions } from '../../providers/provider-module.js';
import { huishouqianAccountsFromKeys } from './config-accounts.js';
import { startHuishouqianSandbox } from './server.js';

/** The Huishouqian sandbox as sandbox mode runs it: seeded, on its own port, with fresh keys. */
export async function startHuishouqianSandboxProvider(options: SandboxStartOptions): Promise<RunningSandbox> {
  const sandbox = await startHuishouqianSandbox(options.port === undefined ? {} : { port: options.port });
  const accounts = huishouqianAccountsFromKeys(sandbox.keys);
  return {
    baseUrl: sandbox.baseUrl,
    keys: sandbox.keys,
    accounts,
    merchantNos: accounts.flatMap((account) => account.merchants.map((merchant) => merchant.merchantNo)),
    // Huishouqian staff set the URL in reality; the sandbox takes it over its control API.
    async pointNotificationsAt(webhookUrl) {
      const agent = accounts[0];
      if (agent === undefined) return;
      const response = await fetch(`${sandbox.baseUrl}/sandbox/notification-url`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: webhookUrl(agent.account ?? agent.agentMerchantNo ?? '') }),
      });
      if (!response.ok) throw new Error(`the sandbox refused the notification URL (${response.status})`);
    },
    close: () => sandbox.close(),
  };
}
