import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type App } from './app.js';
import { ConfigError } from './config/config-error.js';
import { findConfigFile, loadConfigFile, type GatewayConfig } from './config/gateway-config.js';
import { GatewayError } from './domain/errors.js';
import type { SandboxMode } from './sandbox/sandbox-mode.js';
import { createLogger } from './server/logger.js';

/**
 * `npm start`. With a config file (`--config <path>` or CONFIG_FILE): real providers, no sandbox.
 * Without: both sandboxes in-process with seed data, their keys written to sandbox-keys.json, and
 * the gateway configured from those keys through the same path a config file takes.
 * The only module that listens, handles signals or exits.
 */

/** Requests in flight get this long after a signal; then their connections are closed. */
const GRACEFUL_CLOSE_MS = 7_000;
/** The whole shutdown, whatever the stores do: process managers wait ~10 s before SIGKILL. */
const SHUTDOWN_DEADLINE_MS = 9_500;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

async function main(): Promise<void> {
  let config: GatewayConfig;
  let sandboxes: SandboxMode | null = null;
  const configFile = findConfigFile();
  if (configFile === null) {
    // Real mode never loads the sandbox code.
    sandboxes = await (await import('./sandbox/sandbox-mode.js')).startSandboxMode();
    config = sandboxes.config;
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
  // Sandbox mode's close also removes its temporary event log: a start that fails here leaves none behind.
  const app: App = await createApp({ config, logger }).catch(async (error: unknown) => {
    await sandboxes?.close();
    throw error;
  });
  listener = app.listener;

  const lines = [`complaint-gateway listening on ${gatewayUrl}`];
  if (config.server.graphiql) lines.push(`GraphiQL: ${gatewayUrl}/graphql`);
  if (sandboxes !== null) {
    await sandboxes.pointNotificationsAt(app, config.server.publicBaseUrl ?? gatewayUrl, logger);
    lines.push(
      `sandbox mode (no config file): ${sandboxes.describe()}`,
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
    // A store that does not answer (a blackholed Redis or PostgreSQL) must not hold the exit.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown deadline reached: exiting without waiting for the stores');
      logger.flush();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close(() => {
      void (async () => {
        await app.close();
        await sandboxes?.close();
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
