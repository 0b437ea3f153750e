import { createSecretKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { CacheStoreConfig } from '../cache/store.js';
import { SCOPES, type MerchantGrant } from '../domain/access.js';
import { PROVIDERS } from '../domain/complaint-key.js';
import { parseOriginPattern } from '../domain/origin-pattern.js';
import { publicBaseUrlProblem } from '../domain/webhook-url.js';
import type { EventLogConfig } from '../events/event-log.js';
import { PROVIDER_MODULES } from '../providers/modules.js';
import type { ConfiguredAccount, RegisteredModule } from '../providers/provider-module.js';
import { hashAccessToken, type AccessTokenConfig } from '../server/auth/access-tokens.js';
import { LOOPBACK_ORIGINS } from '../server/cors.js';
import { LOG_LEVELS, type LogLevel } from '../server/logger.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../server/plugins/use-request-limits.js';
import { ConfigError, configIssueMessage, describeIssue } from './config-error.js';
import { cacheInput, eventLogInput, resolveCache, resolveEventLog, resolveEventLogRetentionMs, retentionDaysEnv } from './stores.js';
import { createSecretResolver, errorCode, httpUrl, secretSource, type Environment, type SecretResolver, type SecretSource } from './secrets.js';
import { validParts } from './valid-parts.js';

/**
 * The gateway's configuration: one JSON file (optional) plus environment variables, validated here.
 * This is the only module that reads `process.env`. Environment variables override the file, and
 * the file overrides the defaults below; README "Configuration" documents every key.
 */

const CONFIG_DEFAULTS = {
  host: '127.0.0.1',
  port: 4000,
  logLevel: 'info',
  /** Webhook bodies above this are refused while reading (a notification is under 1 KiB). */
  maxWebhookBodyBytes: 64 * 1024,
  /** JSON GraphQL requests: a reply with every block is a few KiB. */
  maxRequestBodyBytes: 256 * 1024,
  /** Multipart uploads: the providers' 2 MB image limit plus the form around it. */
  maxUploadBodyBytes: 3 * 1024 * 1024,
  /** Short: it adds to the data cache's own age (a list page may be a minute old already). */
  responseCacheTtlMs: 10_000,
  /** Relative to the config file; sandbox mode uses a fresh file in the temp directory instead. */
  eventLogPath: 'complaint-events.sqlite',
  /** Where sandbox mode writes the generated keys. */
  sandboxKeysFile: 'sandbox-keys.json',
  providerTimeoutMs: 10_000,
} as const;

export { LOG_LEVELS, type LogLevel };

// ---- the file's shape -------------------------------------------------------------------------

/** `"PROVIDER:merchantNo"` (one provider's merchant) or `"merchantNo"` (that number at any provider). */
const merchantGrant = z
  .string()
  .regex(
    new RegExp(`^(?:(?:${PROVIDERS.join('|')}):)?[A-Za-z0-9_.-]{1,64}$`),
    `must be "<merchantNo>" or "<PROVIDER>:<merchantNo>" with PROVIDER one of ${PROVIDERS.join(', ')}`,
  );

const accessToken = z.strictObject({
  name: z.string().regex(/^[\w.@:-]{1,100}$/, 'must be 1-100 letters, digits or "_.@:-" (it appears in logs)'),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the hex SHA-256 of the token, never the token itself'),
  scopes: z.array(z.enum(SCOPES)).min(1, `must grant at least one of ${SCOPES.join(', ')}`),
  merchants: z.union([z.literal('*'), z.array(merchantGrant).min(1)], { error: 'must be "*" or a list of merchants' }),
  /** GraphQL requests per minute for this token, across instances sharing Redis; none: unlimited. */
  requestsPerMinute: z.int().min(1).max(1_000_000).optional(),
});

const PORT_RANGE = 'must be a port number (0-65535)';
const port = z.coerce.number({ error: PORT_RANGE }).int(PORT_RANGE).min(0, PORT_RANGE).max(65_535, PORT_RANGE);

const configInput = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: port.optional(),
      /** GraphiQL on GET /graphql; default off with a config file, on in sandbox mode. */
      graphiql: z.boolean().optional(),
      /** Schema introspection (GraphiQL needs it). */
      introspection: z.boolean().optional(),
      /** Unmasked error messages for unexpected errors: local debugging only. */
      development: z.boolean().optional(),
      maxWebhookBodyBytes: z
        .int()
        .min(1024)
        .max(10 * 1024 * 1024)
        .optional(),
      maxRequestBodyBytes: z
        .int()
        .min(1024)
        .max(10 * 1024 * 1024)
        .optional(),
      maxUploadBodyBytes: z
        .int()
        .min(1024)
        .max(50 * 1024 * 1024)
        .optional(),
      /** Whole query responses reused for callers with the same grants; 0 turns it off. */
      responseCacheTtlMs: z.int().min(0).max(300_000).optional(),
      /** The gateway's URL as providers reach it: notification-URL mutations register only its webhooks. */
      publicBaseUrl: z.string().min(1).optional(),
      limits: z
        .strictObject({
          maxDepth: z.int().min(2).max(100).optional(),
          maxAliases: z.int().min(0).max(1000).optional(),
          maxTokens: z.int().min(100).max(100_000).optional(),
          maxDirectives: z.int().min(0).max(1000).optional(),
          maxCost: z.int().min(100).max(1_000_000).optional(),
          /** Fields that call a provider (weighted by the page they repeat in) one operation may select. */
          maxUpstreamFields: z.int().min(1).max(10_000).optional(),
        })
        .optional(),
      /** `accept`: operations may also be sent by hash; `only`: nothing else is accepted. */
      persistedOperations: z.strictObject({ mode: z.enum(['off', 'accept', 'only']), file: z.string().min(1).optional() }).optional(),
      /** Hashes clients register (Apollo's APQ), kept in the cache store; default on, except with persistedOperations `only`. */
      automaticPersistedQueries: z.boolean().optional(),
      /** Browser origins allowed to call /graphql; default none (sandbox mode: localhost on any port). */
      cors: z
        .strictObject({
          origins: z.array(
            z.string().refine((origin) => parseOriginPattern(origin) !== null, 'must be http(s)://host[:port] (*. for any subdomain, :* for any port)'),
          ),
        })
        .optional(),
      /** Prometheus `/metrics`: off by default with a config file, on in sandbox mode; `token`: its own bearer token. */
      metrics: z.strictObject({ enabled: z.boolean().optional(), token: secretSource.optional() }).optional(),
    })
    .default({}),
  logLevel: z.enum(LOG_LEVELS).optional(),
  /** Bearer tokens (stored as hashes) with their scopes and merchants; none: every operation gets 401. */
  auth: z.strictObject({ tokens: z.array(accessToken).default([]) }).default({ tokens: [] }),
  media: z
    .strictObject({
      /** HMAC key of /media/ tokens; instances behind one load balancer must share it. */
      tokenSecret: secretSource.optional(),
    })
    .default({}),
  pii: z
    .strictObject({
      /** Seals payer phones and openids in the caches; instances sharing a cache must share it. */
      encryptionKey: secretSource.optional(),
    })
    .default({}),
  cache: cacheInput.optional(),
  eventLog: eventLogInput.optional(),
  /** OpenTelemetry traces over OTLP/HTTP to `<otlpEndpoint>/v1/traces`; none (and no OTEL_EXPORTER_OTLP_ENDPOINT): off. */
  tracing: z.strictObject({ otlpEndpoint: httpUrl.optional() }).default({}),
  /** `providers.<slug>`: each provider module's accounts, validated by the module (see resolveProviders). */
  providers: z.record(z.string(), z.array(z.unknown(), { error: 'must be a list of accounts' })).default({}),
});

/** The JSON config file, as written by hand or produced by `configFromSandboxKeys`. */
export type ConfigFileInput = z.input<typeof configInput>;

const envInput = z.object({
  PORT: port.optional(),
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  GRAPHIQL: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).optional(),
  INTROSPECTION: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).optional(),
  CACHE_STORE: z.enum(['memory', 'sqlite', 'redis']).optional(),
  CACHE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
  EVENT_LOG_STORE: z.enum(['sqlite', 'redis', 'postgres']).optional(),
  EVENT_LOG_PATH: z.string().min(1).optional(),
  EVENT_LOG_RETENTION_DAYS: retentionDaysEnv.optional(),
  EVENT_LOG_URL: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  SANDBOX_KEYS_FILE: z.string().min(1).optional(),
  MEDIA_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PII_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  PUBLIC_BASE_URL: z.string().min(1).optional(),
  /** The standard OpenTelemetry variable (a collector's OTLP/HTTP base URL): over `tracing.otlpEndpoint`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
});

// ---- the resolved configuration ---------------------------------------------------------------

export interface GatewayConfig {
  /** Where the provider accounts came from: a config file (real providers) or the in-process sandboxes. */
  source: { kind: 'file'; path: string } | { kind: 'sandbox' };
  server: {
    host: string;
    port: number;
    graphiql: boolean;
    introspection: boolean;
    development: boolean;
    maxWebhookBodyBytes: number;
    maxRequestBodyBytes: number;
    maxUploadBodyBytes: number;
    responseCacheTtlMs: number;
    /**
     * The gateway's public URL (no trailing slash), under which providers reach `/webhooks/...`;
     * null: notification URLs cannot be registered. Sandbox mode: http://127.0.0.1:<port>.
     */
    publicBaseUrl: string | null;
    limits: RequestLimits;
    persistedOperations: { mode: 'off' | 'accept' | 'only'; file: string | null };
    /** Automatic persisted queries (never with persistedOperations `only`). */
    automaticPersistedQueries: boolean;
    /** Origin patterns browsers may call /graphql from; none: no cross-origin access. */
    cors: { origins: readonly string[] };
    /** `/metrics`; `tokenSha256`: the SHA-256 of the bearer token a scraper must send, null: none needed. */
    metrics: { enabled: boolean; tokenSha256: string | null };
  };
  logLevel: LogLevel;
  auth: { tokens: AccessTokenConfig[] };
  cache: CacheStoreConfig;
  eventLog: EventLogConfig;
  sandboxKeysFile: string;
  /** Null: a random key per process (media URLs then work only on the instance that issued them). */
  mediaTokenSecret: KeyObject | null;
  /** The secret payer phones and openids are sealed with (pii-cipher.ts); null: derived from the media secret. */
  piiEncryptionKey: KeyObject | null;
  /** Where spans go (OTLP/HTTP base URL); null: tracing off. */
  tracing: { otlpEndpoint: string | null };
  /** Every configured provider account, with the module that builds it (accountsOf() reads one module's). */
  providers: ConfiguredAccount[];
}

// ---- loading ----------------------------------------------------------------------------------

export type { Environment };

export interface ConfigSourceOptions {
  argv?: readonly string[];
  env?: Environment;
}

/** The config file named by `--config <path>` / `--config=<path>` or CONFIG_FILE; null: sandbox mode. */
export function findConfigFile(options: ConfigSourceOptions = {}): string | null {
  const { argv = process.argv.slice(2), env = process.env } = options;
  for (const [index, arg] of argv.entries()) {
    if (arg === '--config') {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(['--config: needs a file path']);
      return value;
    }
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  const fromEnv = env['CONFIG_FILE'];
  return fromEnv === undefined || fromEnv === '' ? null : fromEnv;
}

export interface LoadConfigOptions {
  env?: Environment;
  /** Resolves relative paths and `{"file"}` secrets; default: the config file's directory, else cwd. */
  baseDir?: string;
  /** The provider modules whose accounts `providers.<slug>` may hold; default PROVIDER_MODULES. */
  modules?: readonly RegisteredModule[];
}

/** Reads, validates and resolves a JSON config file. Throws ConfigError. */
export async function loadConfigFile(path: string, options: LoadConfigOptions = {}): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${errorCode(error)})`]);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    // The environment is still checked, so that one pass names every problem.
    const problems = [`${path}: is not valid JSON`];
    await resolveConfig({}, { kind: 'file', path }, { baseDir: dirname(resolve(path)), ...options }).catch((error: unknown) => {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    });
    throw new ConfigError(problems);
  }
  return resolveConfig(input, { kind: 'file', path }, { baseDir: dirname(resolve(path)), ...options });
}

/** Validates a config object (file contents or `configFromSandboxKeys`), applies env and defaults, loads keys. */
export async function resolveConfig(input: unknown, source: GatewayConfig['source'], options: LoadConfigOptions = {}): Promise<GatewayConfig> {
  const { env = process.env, baseDir = process.cwd(), modules = PROVIDER_MODULES } = options;
  const file = configInput.safeParse(input, { error: configIssueMessage });
  const environment = envInput.safeParse(env, { error: configIssueMessage });
  const resolver = createSecretResolver(env, baseDir);
  // The accounts are each module's to validate: done even when the rest failed, so one pass names every bad key.
  const providers = await resolveProviders(providerInputs(input), modules, resolver);
  const problems = [
    ...(file.success ? [] : file.error.issues.map((issue) => describeIssue(issue.path, issue.message))),
    ...(environment.success ? [] : environment.error.issues.map((issue) => describeIssue(issue.path, issue.message, 'env '))),
  ];
  // A bad key stops the start but not the checks below: they run on what is valid (defaults for the
  // rest), so one pass names every problem.
  const parsed = file.success ? file.data : configInput.parse(validParts(configInput, input) ?? {});
  const vars = environment.success ? environment.data : envInput.parse(validParts(envInput, env) ?? {});

  const redisUrl = vars.REDIS_URL;
  const cache = resolveCache(parsed.cache, vars, redisUrl, baseDir, resolver.problems);
  // Sandbox data is reseeded on every start with the same notification ids: a feed kept across runs
  // would take the new run's notifications for redeliveries, so sandbox mode gets a fresh file.
  const defaultEventLogPath = source.kind === 'sandbox' ? sandboxEventLogPath() : CONFIG_DEFAULTS.eventLogPath;
  const eventLog: EventLogConfig = {
    ...resolveEventLog(parsed.eventLog, vars, redisUrl, baseDir, resolver.problems, defaultEventLogPath),
    retentionMs: resolveEventLogRetentionMs(parsed.eventLog, vars),
  };
  const mediaTokenSecret = await resolveSecretKey(vars.MEDIA_TOKEN_SECRET ?? parsed.media.tokenSecret, 'media.tokenSecret', resolver);
  const piiEncryptionKey = await resolveSecretKey(vars.PII_ENCRYPTION_KEY ?? parsed.pii.encryptionKey, 'pii.encryptionKey', resolver);
  const port = vars.PORT ?? parsed.server.port ?? CONFIG_DEFAULTS.port;
  const publicBaseUrl = resolvePublicBaseUrl(vars.PUBLIC_BASE_URL, parsed.server.publicBaseUrl, source, port, resolver.problems);
  const metricsToken = parsed.server.metrics?.token === undefined ? undefined : await resolver.text(parsed.server.metrics.token, 'server.metrics.token');
  if (parsed.server.automaticPersistedQueries === true && parsed.server.persistedOperations?.mode === 'only') {
    problems.push(
      'server.automaticPersistedQueries: cannot be true with server.persistedOperations.mode "only" (registering a hash runs a query of the client\'s own)',
    );
  }
  if (problems.length > 0 || resolver.problems.length > 0) throw new ConfigError([...problems, ...resolver.problems]);

  return {
    source,
    server: {
      host: vars.HOST ?? parsed.server.host ?? CONFIG_DEFAULTS.host,
      port,
      // Off by default with a config file: a ~9 MB page nobody in production needs.
      graphiql: vars.GRAPHIQL !== undefined ? vars.GRAPHIQL === 'true' : (parsed.server.graphiql ?? source.kind === 'sandbox'),
      introspection: vars.INTROSPECTION !== undefined ? vars.INTROSPECTION === 'true' : (parsed.server.introspection ?? true),
      development: parsed.server.development ?? false,
      maxWebhookBodyBytes: parsed.server.maxWebhookBodyBytes ?? CONFIG_DEFAULTS.maxWebhookBodyBytes,
      maxRequestBodyBytes: parsed.server.maxRequestBodyBytes ?? CONFIG_DEFAULTS.maxRequestBodyBytes,
      maxUploadBodyBytes: parsed.server.maxUploadBodyBytes ?? CONFIG_DEFAULTS.maxUploadBodyBytes,
      responseCacheTtlMs: parsed.server.responseCacheTtlMs ?? CONFIG_DEFAULTS.responseCacheTtlMs,
      publicBaseUrl,
      limits: {
        maxDepth: parsed.server.limits?.maxDepth ?? DEFAULT_REQUEST_LIMITS.maxDepth,
        maxAliases: parsed.server.limits?.maxAliases ?? DEFAULT_REQUEST_LIMITS.maxAliases,
        maxTokens: parsed.server.limits?.maxTokens ?? DEFAULT_REQUEST_LIMITS.maxTokens,
        maxDirectives: parsed.server.limits?.maxDirectives ?? DEFAULT_REQUEST_LIMITS.maxDirectives,
        maxCost: parsed.server.limits?.maxCost ?? DEFAULT_REQUEST_LIMITS.maxCost,
        maxUpstreamFields: parsed.server.limits?.maxUpstreamFields ?? DEFAULT_REQUEST_LIMITS.maxUpstreamFields,
      },
      persistedOperations: {
        mode: parsed.server.persistedOperations?.mode ?? 'off',
        file: parsed.server.persistedOperations?.file === undefined ? null : resolve(baseDir, parsed.server.persistedOperations.file),
      },
      automaticPersistedQueries: parsed.server.automaticPersistedQueries ?? parsed.server.persistedOperations?.mode !== 'only',
      cors: { origins: parsed.server.cors?.origins ?? (source.kind === 'sandbox' ? LOOPBACK_ORIGINS : []) },
      metrics: {
        enabled: parsed.server.metrics?.enabled ?? source.kind === 'sandbox',
        tokenSha256: metricsToken === undefined ? null : hashAccessToken(metricsToken.trim()),
      },
    },
    logLevel: vars.LOG_LEVEL ?? parsed.logLevel ?? CONFIG_DEFAULTS.logLevel,
    auth: { tokens: parsed.auth.tokens.map(resolveAccessToken) },
    cache,
    eventLog,
    sandboxKeysFile: resolve(baseDir, vars.SANDBOX_KEYS_FILE ?? CONFIG_DEFAULTS.sandboxKeysFile),
    mediaTokenSecret,
    piiEncryptionKey,
    tracing: { otlpEndpoint: vars.OTEL_EXPORTER_OTLP_ENDPOINT ?? parsed.tracing.otlpEndpoint ?? null },
    providers,
  };
}

/** Sandbox mode's event log when none is configured: this process's own, removed when sandbox mode closes. */
export function sandboxEventLogPath(): string {
  return join(tmpdir(), `complaint-gateway-sandbox-${process.pid}-events.sqlite`);
}

function resolveAccessToken(token: z.infer<typeof accessToken>): AccessTokenConfig {
  const merchants =
    token.merchants === '*'
      ? 'all'
      : token.merchants.map((grant): MerchantGrant => {
          const [first = '', second] = grant.split(':');
          const provider = PROVIDERS.find((name) => name === first);
          return second === undefined || provider === undefined ? { merchantNo: first } : { provider, merchantNo: second };
        });
  return {
    name: token.name,
    sha256: token.sha256.toLowerCase(),
    scopes: [...new Set(token.scopes)],
    merchants,
    requestsPerMinute: token.requestsPerMinute ?? null,
  };
}

/**
 * Env over file; sandbox mode defaults to where it listens on loopback (port 0 is only known after
 * listening: main.ts fills it in then). Checked here so a bad value stops the start, not a mutation.
 */
function resolvePublicBaseUrl(
  fromEnv: string | undefined,
  fromFile: string | undefined,
  source: GatewayConfig['source'],
  port: number,
  problems: string[],
): string | null {
  const value = fromEnv ?? fromFile;
  if (value === undefined) return source.kind === 'sandbox' && port !== 0 ? `http://127.0.0.1:${port}` : null;
  const problem = publicBaseUrlProblem(value);
  if (problem !== null) {
    problems.push(fromEnv === undefined ? `server.publicBaseUrl: ${problem}` : `env PUBLIC_BASE_URL: ${problem}`);
    return null;
  }
  return new URL(value).href.replace(/\/+$/, '');
}

/** A shared secret of at least 32 characters (`key` names it in problems); null when none is configured. */
async function resolveSecretKey(source: SecretSource | undefined, key: string, resolver: SecretResolver): Promise<KeyObject | null> {
  if (source === undefined) return null;
  const text = await resolver.text(source, key);
  if (text === undefined) return null;
  if (text.trim().length < 32) {
    resolver.problems.push(`${key}: must be at least 32 characters`);
    return null;
  }
  return createSecretKey(Buffer.from(text.trim(), 'utf8'));
}

/** `providers.<slug>` arrays of the raw input (their shape is the modules' to check; anything else the schema reports). */
function providerInputs(input: unknown): Readonly<Record<string, readonly unknown[]>> {
  const providers = typeof input === 'object' && input !== null && 'providers' in input ? input.providers : undefined;
  if (typeof providers !== 'object' || providers === null) return {};
  return Object.fromEntries(Object.entries(providers).filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1])));
}

async function resolveProviders(
  providers: Readonly<Record<string, readonly unknown[]>>,
  modules: readonly RegisteredModule[],
  resolver: SecretResolver,
): Promise<ConfiguredAccount[]> {
  for (const slug of Object.keys(providers)) {
    if (!modules.some((module) => module.slug === slug)) {
      resolver.problems.push(`providers.${slug}: not a provider this gateway speaks (${modules.map((module) => module.slug).join(', ')})`);
    }
  }
  const accounts: ConfiguredAccount[] = [];
  for (const module of modules) {
    for (const [index, input] of (providers[module.slug] ?? []).entries()) {
      const account = await module.configure(input, ['providers', module.slug, index], resolver, index);
      if (account !== null) accounts.push(account);
    }
  }
  checkUniqueAccounts(accounts, resolver.problems);
  return accounts;
}

/** One webhook `{account}` per provider: it is how a notification finds its receiver. */
function checkUniqueAccounts(accounts: readonly ConfiguredAccount[], problems: string[]): void {
  const seen = new Set<string>();
  for (const { module, settings } of accounts) {
    const route = `${module.slug}/${settings.account}`;
    if (seen.has(route)) problems.push(`providers.${module.slug}: the account "${settings.account}" is configured twice`);
    seen.add(route);
  }
}
