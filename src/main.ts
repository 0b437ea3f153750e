import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type App } from './app.js';
import { ConfigError, configFromSandboxKeys, findConfigFile, loadConfigFile, resolveConfig, type GatewayConfig } from './config.js';
import { GatewayError } from './domain/errors.js';
import { webhookUrl } from './domain/webhook-url.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from './sandbox/huishouqian/server.js';
import { writeSandboxKeys } from './sandbox/sandbox-keys.js';
import { startWechatPaySandbox, type WechatPaySandbox } from './sandbox/wechatpay/server.js';
import { createLogger, type Logger } from './server/logger.js';

/**
 * `npm start`. With a config file (`--config <path>` or CONFIG_FILE): real providers, no sandbox.
 * Without: both sandboxes in-process with seed data, their keys written to sandbox-keys.json, and
 * the gateway configured from those keys through the same path a config file takes.
 * The only module that listens, handles signals or exits.
 */

const GRACEFUL_CLOSE_MS = 10_000;

interface Sandboxes {
  wechatpay: WechatPaySandbox;
  huishouqian: HuishouqianSandbox;
}

async function startSandboxes(): Promise<{ sandboxes: Sandboxes; config: GatewayConfig }> {
  const [wechatpay, huishouqian] = await Promise.all([startWechatPaySandbox(), startHuishouqianSandbox()]);
  const keys = { wechatpay: wechatpay.keys, huishouqian: huishouqian.keys };
  const config = await resolveConfig(configFromSandboxKeys(keys), { kind: 'sandbox' });
  await writeSandboxKeys(config.sandboxKeysFile, keys);
  return { sandboxes: { wechatpay, huishouqian }, config };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Huishouqian staff set the notification URL in reality; the sandbox takes it over its control API. */
async function pointHuishouqianAt(sandbox: HuishouqianSandbox, gatewayUrl: string, config: GatewayConfig, logger: Logger): Promise<void> {
  const account = config.providers.huishouqian[0]?.account;
  if (account === undefined) return;
  const response = await fetch(`${sandbox.baseUrl}/sandbox/notification-url`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gatewayUrl}/webhooks/huishouqian/${account}` }),
  });
  if (!response.ok) logger.warn({ status: response.status }, 'could not set the Huishouqian sandbox notification URL');
}

/** The demo registers the gateway's webhook through the real API, as a merchant would (one URL per calling mchid). */
async function registerWechatPayWebhooks(app: App, publicBaseUrl: string, config: GatewayConfig, logger: Logger): Promise<void> {
  for (const account of config.providers.wechatpay) {
    const merchant = account.merchants[0];
    if (merchant === undefined) continue;
    const provider = app.registry.get({ provider: 'WECHAT_PAY', merchantNo: merchant.mchid });
    const url = webhookUrl(publicBaseUrl, 'WECHAT_PAY', account.account);
    try {
      if ((await provider.getNotificationUrl()) === null) await provider.createNotificationUrl(url);
      else await provider.updateNotificationUrl(url);
    } catch (error) {
      logger.warn({ account: account.account, errorCode: error instanceof GatewayError ? error.code : 'UNKNOWN' }, 'could not register the WeChat Pay sandbox notification URL');
    }
  }
}

async function main(): Promise<void> {
  let config: GatewayConfig;
  let sandboxes: Sandboxes | null = null;
  const configFile = findConfigFile();
  if (configFile === null) {
    ({ sandboxes, config } = await startSandboxes());
  } else {
    config = await loadConfigFile(configFile);
  }

  const logger = createLogger({ level: config.logLevel });
  // Listening comes first: sandbox mode's public base URL is where it listens (PORT=0 picks the port).
  let listener: RequestListener = (_request, response) => void response.writeHead(503, { 'retry-after': '1' }).end();
  const server = createServer((request, response) => listener(request, response));
  const address = await listen(server, config.server.port, config.server.host);
  const shownHost = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const gatewayUrl = `http://${address.family === 'IPv6' && shownHost !== '127.0.0.1' ? `[${shownHost}]` : shownHost}:${address.port}`;
  if (sandboxes !== null && config.server.publicBaseUrl === null) config = { ...config, server: { ...config.server, publicBaseUrl: gatewayUrl } };
  const app: App = await createApp({ config, logger });
  listener = app.listener;

  const lines = [`complaint-gateway listening on ${gatewayUrl}`];
  if (config.server.graphiql) lines.push(`GraphiQL: ${gatewayUrl}/graphql`);
  if (sandboxes !== null) {
    await pointHuishouqianAt(sandboxes.huishouqian, gatewayUrl, config, logger);
    await registerWechatPayWebhooks(app, config.server.publicBaseUrl ?? gatewayUrl, config, logger);
    lines.push(
      `sandbox mode (no config file): WeChat Pay sandbox ${sandboxes.wechatpay.baseUrl}, Huishouqian sandbox ${sandboxes.huishouqian.baseUrl}`,
      `sandbox keys written to ${config.sandboxKeysFile}`,
      'demo tokens: sandbox-admin, sandbox-readonly, sandbox-merchant-{merchantNo} (README "Access tokens and scopes")',
    );
  } else {
    lines.push(`providers from ${configFile ?? 'config'}: ${app.registry.merchants.length} merchant(s)`);
    if (config.auth.tokens.length === 0) logger.warn('auth.tokens is empty: every GraphQL operation will be refused with 401');
    if (config.server.publicBaseUrl === null) logger.warn('server.publicBaseUrl (PUBLIC_BASE_URL) is not set: notification URLs cannot be registered');
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    // Idle keep-alive sockets would hold close() open; requests in flight get GRACEFUL_CLOSE_MS.
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), GRACEFUL_CLOSE_MS);
    force.unref();
    server.close(() => {
      void (async () => {
        await app.close();
        if (sandboxes !== null) await Promise.allSettled([sandboxes.wechatpay.close(), sandboxes.huishouqian.close()]);
        logger.flush();
        process.exit(0);
      })();
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    process.stderr.write(`the port is in use: set PORT to another port\n`);
  } else if (error instanceof GatewayError) {
    // Our errors' messages are written to be shown (no secrets, by contract).
    process.stderr.write(`complaint-gateway failed to start: ${error.code}: ${error.message}\n`);
  } else {
    // Name and code only: a foreign error's message may quote a provider answer or a key path.
    const name = error instanceof Error ? error.name : typeof error;
    const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    process.stderr.write(`complaint-gateway failed to start: ${name}${code}\n`);
  }
  process.exit(1);
});
