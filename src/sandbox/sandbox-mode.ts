import { rm } from 'node:fs/promises';
import type { App } from '../app.js';
import { resolveConfig, sandboxEventLogPath, type ConfigFileInput, type Environment, type GatewayConfig } from '../config/gateway-config.js';
import { webhookUrl } from '../domain/webhook-url.js';
import { PROVIDER_MODULES } from '../providers/modules.js';
import type { RegisteredModule } from '../providers/provider-module.js';
import { sandboxDemoTokens } from '../server/auth/demo-tokens.js';
import type { Logger } from '../server/logger.js';
import { writeSandboxKeys } from './sandbox-keys.js';

/** `npm start` without a config file: every provider's sandbox in-process, and the config made from their keys. */
export interface SandboxMode {
  config: GatewayConfig;
  /** Points each sandbox's notifications at the gateway's webhooks, as a merchant (or the provider's staff) would. */
  pointNotificationsAt(app: App, publicBaseUrl: string, logger: Logger): Promise<void>;
  /** One line for the start banner. */
  describe(): string;
  /** Stops the sandboxes and removes the default temporary event log (after the app has closed it). */
  close(): Promise<void>;
}

export interface SandboxModeOptions {
  /** Default PROVIDER_MODULES. */
  modules?: readonly RegisteredModule[];
  /** What the config sees (SANDBOX_KEYS_FILE, PORT, ...); default the process environment. */
  env?: Environment;
}

/**
 * Starts each provider module's sandbox with seed data, writes their keys to sandbox-keys.json
 * (each under its module's slug) and configures the gateway from their accounts through the same
 * path a config file takes, with a demo token per merchant.
 */
export async function startSandboxMode(options: SandboxModeOptions = {}): Promise<SandboxMode> {
  const { modules = PROVIDER_MODULES, env } = options;
  const running = await Promise.all(modules.map(async (module) => ({ module, sandbox: await module.startSandbox({}) })));
  const close = async (): Promise<void> => {
    await Promise.allSettled(running.map(({ sandbox }) => sandbox.close()));
  };
  try {
    const input: ConfigFileInput = {
      auth: { tokens: sandboxDemoTokens(running.flatMap(({ sandbox }) => sandbox.merchantNos)) },
      providers: Object.fromEntries(running.map(({ module, sandbox }) => [module.slug, sandbox.accounts])),
    };
    const config = await resolveConfig(input, { kind: 'sandbox' }, { modules, ...(env === undefined ? {} : { env }) });
    const ownEventLog = config.eventLog.store === 'sqlite' && config.eventLog.path === sandboxEventLogPath() ? config.eventLog.path : null;
    await writeSandboxKeys(config.sandboxKeysFile, Object.fromEntries(running.map(({ module, sandbox }) => [module.slug, sandbox.keys])));
    return {
      config,
      async pointNotificationsAt(app, publicBaseUrl, logger) {
        for (const { module, sandbox } of running) {
          try {
            await sandbox.pointNotificationsAt((account) => webhookUrl(publicBaseUrl, { slug: module.slug, account }), app.registry);
          } catch (error) {
            logger.warn(
              { provider: module.name, errorName: error instanceof Error ? error.name : typeof error },
              'could not point the sandbox notifications at the gateway',
            );
          }
        }
      },
      describe: () => running.map(({ module, sandbox }) => `${module.name} sandbox ${sandbox.baseUrl}`).join(', '),
      async close() {
        await close();
        // The default event log is this run's alone (never one the user configured): nothing reads it after.
        if (ownEventLog !== null) await removeSqliteFile(ownEventLog);
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A SQLite database and the files SQLite keeps beside it (write-ahead log, shared memory, rollback journal). */
async function removeSqliteFile(path: string): Promise<void> {
  await Promise.allSettled(['', '-wal', '-shm', '-journal'].map((suffix) => rm(`${path}${suffix}`, { force: true })));
}
