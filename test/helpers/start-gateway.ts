import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { resolveConfig, type ConfigFileInput, type Environment, type LogLevel } from '../../src/config/gateway-config.js';
import { configFromSandboxKeys, type WechatPayAccountFileInput } from '../../src/sandbox/sandbox-config.js';
import type { EventLog } from '../../src/events/event-log.js';
import type { Clock } from '../../src/providers/http/clock.js';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { createLogger } from '../../src/server/logger.js';
import type { Sandboxes } from './start-sandboxes.js';

export interface StartGatewayOptions {
  /** AppOptions.storeTimeoutMs: tests of sharing semantics raise it on a loaded machine. */
  storeTimeoutMs?: number;
  /** Merged over the config made from the sandbox keys (cache, eventLog, server, ...). */
  config?: Omit<ConfigFileInput, 'providers'>;
  /** Environment the config sees (CACHE_STORE, REDIS_URL, ...); default none. */
  env?: Environment;
  clock?: Clock;
  /** Default 'silent'; set LOG_LEVEL-like values to debug a test. */
  logLevel?: LogLevel;
  /** Where log lines go (default stdout): tests that read the logs pass a stream. */
  logDestination?: DestinationStream;
  /** An event log to use instead of the configured one (handed over: closed with the gateway). */
  eventLog?: EventLog;
  /** Merged into every WeChat Pay account of the sandbox config (e.g. small `limits`, a short `maxQueueMs`). */
  wechatpayAccount?: Pick<WechatPayAccountFileInput, 'limits' | 'maxQueueMs'>;
  /** Default 'sandbox'; 'file' resolves the config as `npm start --config` does (the defaults of real mode). */
  configSource?: 'sandbox' | 'file';
  /**
   * The credentials monitor's timing. Default: one check per account at start (startGateway waits for
   * it) and the next an hour later, so no periodic check lands among the upstream calls a test counts.
   */
  credentialsCheck?: AppOptions['credentialsCheck'];
  /** Tracing on, its spans exported here (an InMemorySpanExporter) instead of OTLP. */
  spanExporter?: AppOptions['spanExporter'];
}

export interface GatewayUnderTest {
  /** http://127.0.0.1:<port> */
  url: string;
  graphqlUrl: string;
  app: App;
  /** POST one operation as JSON, as `sandbox-admin` unless `headers.authorization` says otherwise; returns the parsed body. */
  graphql<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    body: { data?: TData | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
  }>;
  close(): Promise<void>;
}

/** Until every account's first credentials check has ended (its calls then no longer reach the sandboxes unexpectedly). */
async function credentialsChecked(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const report = (await (await fetch(`${url}/readyz`)).json()) as { checks?: { accounts?: Record<string, { state: string }> } };
    if (!Object.values(report.checks?.accounts ?? {}).some((account) => account.state === 'pending')) return;
    if (Date.now() > deadline) throw new Error('the first credentials checks did not end within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The real gateway (config → provider accounts → app) over real HTTP on an ephemeral port, talking
 * to the given sandboxes exactly as `npm start` does in sandbox mode. Each gateway gets its own
 * event log file unless `config.eventLog` says otherwise, and its own URL as public base URL (its
 * webhooks are the notification URLs it registers) unless `config.server.publicBaseUrl` or
 * PUBLIC_BASE_URL say otherwise.
 */
export async function startGateway(sandboxes: Sandboxes, options: StartGatewayOptions = {}): Promise<GatewayUnderTest> {
  const { config: overrides = {}, env = {}, clock, logLevel = 'silent', logDestination, eventLog, wechatpayAccount = {}, configSource = 'sandbox' } = options;
  const dir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  // Listening first, as main.ts does: the public base URL is where the gateway listens.
  let listener: RequestListener = (_request, response) => void response.writeHead(503).end();
  const server = createServer((request, response) => listener(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const sandboxConfig = configFromSandboxKeys(sandboxes.keys);
  const input: ConfigFileInput = {
    eventLog: { store: 'sqlite', path: join(dir, 'events.sqlite') },
    // The sandbox demo tokens, as `npm start` has them.
    ...(sandboxConfig.auth === undefined ? {} : { auth: sandboxConfig.auth }),
    ...overrides,
    server: { publicBaseUrl: url, ...overrides.server },
    providers: { ...sandboxConfig.providers, wechatpay: sandboxConfig.providers.wechatpay.map((account) => ({ ...account, ...wechatpayAccount })) },
  };
  let app: App;
  try {
    const source = configSource === 'sandbox' ? { kind: 'sandbox' as const } : { kind: 'file' as const, path: join(dir, 'gateway.json') };
    const config = await resolveConfig(input, source, { env, baseDir: dir });
    const logger = createLogger({ level: logLevel, ...(logDestination === undefined ? {} : { destination: logDestination }) });
    app = await createApp({
      config,
      logger,
      credentialsCheck: { intervalMs: 3_600_000, ...options.credentialsCheck },
      ...(options.storeTimeoutMs === undefined ? {} : { storeTimeoutMs: options.storeTimeoutMs }),
      ...(clock === undefined ? {} : { clock }),
      ...(eventLog === undefined ? {} : { eventLog }),
      ...(options.spanExporter === undefined ? {} : { spanExporter: options.spanExporter }),
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  listener = app.listener;
  await credentialsChecked(url);
  const graphqlUrl = `${url}/graphql`;

  return {
    url,
    graphqlUrl,
    app,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`,
          ...headers,
        },
        body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
