import type { App } from '../app.js';
import { resolveConfig, type GatewayConfig } from '../config/gateway-config.js';
import { GatewayError } from '../domain/errors.js';
import { webhookUrl } from '../domain/webhook-url.js';
import { accountsOf } from '../providers/provider-module.js';
import { huishouqianModule } from '../providers/huishouqian/module.js';
import { wechatPayModule } from '../providers/wechatpay/module.js';
import type { Logger } from '../server/logger.js';
import { startHuishouqianSandbox } from './huishouqian/server.js';
import { configFromSandboxKeys } from './sandbox-config.js';
import { writeSandboxKeys } from './sandbox-keys.js';
import { startWechatPaySandbox } from './wechatpay/server.js';

/** `npm start` without a config file: both sandboxes in-process, and the config made from their keys. */
export interface SandboxMode {
  config: GatewayConfig;
  /** Points each sandbox's notifications at the gateway's webhooks, as a merchant (or Huishouqian staff) would. */
  pointNotificationsAt(app: App, publicBaseUrl: string, logger: Logger): Promise<void>;
  /** One line for the start banner. */
  describe(): string;
  close(): Promise<void>;
}

/**
 * Starts both sandboxes with seed data, writes their keys to sandbox-keys.json and configures the
 * gateway from those keys through the same path a config file takes (demo tokens included).
 */
export async function startSandboxMode(): Promise<SandboxMode> {
  const [wechatpay, huishouqian] = await Promise.all([startWechatPaySandbox(), startHuishouqianSandbox()]);
  const keys = { wechatpay: wechatpay.keys, huishouqian: huishouqian.keys };
  const config = await resolveConfig(configFromSandboxKeys(keys), { kind: 'sandbox' });
  await writeSandboxKeys(config.sandboxKeysFile, keys);
  return {
    config,
    async pointNotificationsAt(app, publicBaseUrl, logger) {
      // WeChat Pay: through the real notification-URL API, one URL per calling account.
      for (const account of accountsOf(config.providers, wechatPayModule)) {
        const merchant = account.merchants[0];
        if (merchant === undefined) continue;
        const provider = app.registry.get({ provider: wechatPayModule.name, merchantNo: merchant.mchid });
        const url = webhookUrl(publicBaseUrl, { slug: wechatPayModule.slug, account: account.account });
        try {
          if ((await provider.getNotificationUrl()) === null) await provider.createNotificationUrl(url);
          else await provider.updateNotificationUrl(url);
        } catch (error) {
          logger.warn(
            { account: account.account, errorCode: error instanceof GatewayError ? error.code : 'UNKNOWN' },
            'could not register the WeChat Pay sandbox notification URL',
          );
        }
      }
      // Huishouqian staff set the URL in reality; the sandbox takes it over its control API.
      const agent = accountsOf(config.providers, huishouqianModule)[0];
      if (agent === undefined) return;
      const response = await fetch(`${huishouqian.baseUrl}/sandbox/notification-url`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: webhookUrl(publicBaseUrl, { slug: huishouqianModule.slug, account: agent.account }) }),
      });
      if (!response.ok) logger.warn({ status: response.status }, 'could not set the Huishouqian sandbox notification URL');
    },
    describe: () => `WeChat Pay sandbox ${wechatpay.baseUrl}, Huishouqian sandbox ${huishouqian.baseUrl}`,
    async close() {
      await Promise.allSettled([wechatpay.close(), huishouqian.close()]);
    },
  };
}
