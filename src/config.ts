import { createPrivateKey, createPublicKey, createSecretKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { CacheStoreConfig } from './cache/store.js';
import { SCOPES, type MerchantGrant } from './domain/access.js';
import { CAPABILITIES } from './domain/capability.js';
import { PROVIDERS } from './domain/complaint-key.js';
import { publicBaseUrlProblem } from './domain/webhook-url.js';
import type { EventLogConfig } from './events/event-log.js';
import type { HuishouqianAccountOptions } from './providers/huishouqian/account.js';
import type { WechatPayAccountOptions } from './providers/wechatpay/account.js';
import { QUOTA_NAMES } from './providers/wechatpay/endpoints.js';
import type { SandboxKeysFile } from './sandbox/sandbox-keys.js';
import type { AccessTokenConfig } from './server/auth/access-tokens.js';
import { sandboxDemoTokens } from './server/auth/demo-tokens.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './server/plugins/use-request-limits.js';

/**
 * The gateway's configuration: one JSON file (optional) plus environment variables, validated here.
 * This is the only module that reads `process.env`. Environment variables override the file, and
 * the file overrides the defaults below; README "Configuration" documents every key.
 */

export const CONFIG_DEFAULTS = {
  host: '127.0.0.1',
  port: 4000,
  logLevel: 'info',
  graphiql: true,
  /** Webhook bodies above this are refused while reading (a notification is under 1 KiB). */
  maxWebhookBodyBytes: 64 * 1024,
  /** JSON GraphQL requests: a reply with every block is a few KiB. */
  maxRequestBodyBytes: 256 * 1024,
  /** Multipart uploads: the providers' 2 MB image limit plus the form around it. */
  maxUploadBodyBytes: 3 * 1024 * 1024,
  /** Short: it adds to the data cache's own age (a list page may be a minute old already). */
  responseCacheTtlMs: 10_000,
  cacheStore: 'memory',
  cacheKeyPrefix: 'complaint-gateway:cache:',
  /** Relative to the config file; sandbox mode uses a fresh file in the temp directory instead. */
  eventLogPath: 'complaint-events.sqlite',
  eventLogKeyPrefix: 'complaint-gateway:events:',
  /** Where sandbox mode writes the generated keys. */
  sandboxKeysFile: 'sandbox-keys.json',
  providerTimeoutMs: 10_000,
} as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown for any bad configuration; the message names every bad key, never a secret value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_ERROR';
  /** One entry per problem, `key.path: what is wrong`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

// ---- the file's shape -------------------------------------------------------------------------

/** A secret or PEM: the value itself, `{"file": path}` (relative to the config file) or `{"env": NAME}`. */
const secretSource = z.union(
  [
    z.string().min(1),
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  ],
  { error: (issue) => (issue.input === undefined ? 'required' : 'must be a string, {"file": "<path>"} or {"env": "<NAME>"}') },
);
type SecretSource = z.infer<typeof secretSource>;

const accountId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-" (it is a URL path segment)');
const merchantNo = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const capabilitySwitches = z.partialRecord(z.enum(CAPABILITIES), z.boolean());

const wechatPayAccountInput = z.strictObject({
  /** The `{account}` of `/webhooks/wechatpay/{account}`; default: `mchid`. */
  account: accountId.optional(),
  baseUrl: httpUrl.default('https://api.mch.weixin.qq.com'),
  backupBaseUrl: httpUrl.optional(),
  mchid: merchantNo,
  serialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the hexadecimal serial of the API certificate'),
  privateKey: secretSource,
  apiV3Key: secretSource,
  platformPublicKeys: z.array(z.strictObject({ id: z.string().regex(/^PUB_KEY_ID_\w+$/, 'must start with PUB_KEY_ID_'), publicKey: secretSource })).default([]),
  platformCertificates: z.array(z.strictObject({ certificate: secretSource })).default([]),
  merchants: z.array(z.strictObject({ mchid: merchantNo, name: z.string().min(1) })).min(1, 'must list at least one merchant'),
  timeoutMs: z.int().positive().max(120_000).default(CONFIG_DEFAULTS.providerTimeoutMs),
  capabilities: capabilitySwitches.optional(),
  /** Calls per minute per endpoint group where they differ from the published ones, e.g. `{"list": 300}`. */
  limits: z
    .partialRecord(z.enum(QUOTA_NAMES), z.int('must be a whole number of calls per minute').min(7, 'must be at least 7 (a minute is counted in 7 windows)').max(100_000))
    .optional(),
  /** How long a call may wait for its budget before it fails with RATE_LIMITED. */
  maxQueueMs: z.int().min(0).max(120_000).optional(),
});

const huishouqianAccountInput = z.strictObject({
  /** The `{account}` of `/webhooks/huishouqian/{account}`; default: agentMerchantNo or the first merchantNo. */
  account: accountId.optional(),
  baseUrl: httpUrl,
  agentMerchantNo: merchantNo.optional(),
  platformPublicKey: secretSource,
  signType: z.enum(['RSA2', 'CFCA']).default('RSA2'),
  urlShape: z.enum(['per-method', 'generic']).default('per-method'),
  merchants: z
    .array(z.strictObject({ merchantNo, name: z.string().min(1), privateKey: secretSource, signKey: secretSource }))
    .min(1, 'must list at least one merchant'),
  timeoutMs: z.int().positive().max(120_000).default(CONFIG_DEFAULTS.providerTimeoutMs),
  capabilities: capabilitySwitches.optional(),
});

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
});

const PORT_RANGE = 'must be a port number (0-65535)';
const port = z.coerce.number({ error: PORT_RANGE }).int(PORT_RANGE).min(0, PORT_RANGE).max(65_535, PORT_RANGE);

const configInput = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: port.optional(),
      graphiql: z.boolean().optional(),
      /** Schema introspection (GraphiQL needs it). */
      introspection: z.boolean().optional(),
      /** Unmasked error messages for unexpected errors: local debugging only. */
      development: z.boolean().optional(),
      maxWebhookBodyBytes: z.int().min(1024).max(10 * 1024 * 1024).optional(),
      maxRequestBodyBytes: z.int().min(1024).max(10 * 1024 * 1024).optional(),
      maxUploadBodyBytes: z.int().min(1024).max(50 * 1024 * 1024).optional(),
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
  cache: z
    .discriminatedUnion(
      'store',
      [
        z.strictObject({ store: z.literal('memory') }),
        z.strictObject({ store: z.literal('sqlite'), path: z.string().min(1) }),
        z.strictObject({ store: z.literal('redis'), url: z.string().optional(), keyPrefix: z.string().min(1).optional() }),
      ],
      { error: 'must be "memory", "sqlite" or "redis"' },
    )
    .optional(),
  eventLog: z
    .discriminatedUnion(
      'store',
      [
        z.strictObject({ store: z.literal('sqlite'), path: z.string().min(1) }),
        z.strictObject({ store: z.literal('redis'), url: z.string().optional(), keyPrefix: z.string().min(1).optional() }),
      ],
      { error: 'must be "sqlite" or "redis"' },
    )
    .optional(),
  providers: z
    .strictObject({
      wechatpay: z.array(wechatPayAccountInput).default([]),
      huishouqian: z.array(huishouqianAccountInput).default([]),
    })
    .default({ wechatpay: [], huishouqian: [] }),
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
  EVENT_LOG_STORE: z.enum(['sqlite', 'redis']).optional(),
  EVENT_LOG_PATH: z.string().min(1).optional(),
  SANDBOX_KEYS_FILE: z.string().min(1).optional(),
  MEDIA_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PUBLIC_BASE_URL: z.string().min(1).optional(),
});

// ---- the resolved configuration ---------------------------------------------------------------

/** A WeChat Pay account as createWechatPayAccount takes it, plus its webhook `{account}` name. */
export interface WechatPayAccountConfig extends Omit<WechatPayAccountOptions, 'clock' | 'onRequest' | 'timeoutMs' | 'budgetStore'> {
  account: string;
  timeoutMs: number;
}

/** A Huishouqian account as createHuishouqianAccount takes it, plus its webhook `{account}` name. */
export interface HuishouqianAccountConfig extends Omit<HuishouqianAccountOptions, 'clock' | 'onRequest' | 'timeoutMs' | 'signType'> {
  account: string;
  signType: 'RSA2' | 'CFCA';
  timeoutMs: number;
}

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
  };
  logLevel: LogLevel;
  auth: { tokens: AccessTokenConfig[] };
  cache: CacheStoreConfig;
  eventLog: EventLogConfig;
  sandboxKeysFile: string;
  /** Null: a random key per process (media URLs then work only on the instance that issued them). */
  mediaTokenSecret: KeyObject | null;
  providers: { wechatpay: WechatPayAccountConfig[]; huishouqian: HuishouqianAccountConfig[] };
}

// ---- loading ----------------------------------------------------------------------------------

export type Environment = Readonly<Record<string, string | undefined>>;

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
    throw new ConfigError([`${path}: is not valid JSON`]);
  }
  return resolveConfig(input, { kind: 'file', path }, { baseDir: dirname(resolve(path)), ...options });
}

/**
 * Sandbox mode's config: the same shape a config file has, built from the keys the sandboxes
 * generated, so both modes take the same validation and resolution path.
 */
export function configFromSandboxKeys(keys: SandboxKeysFile): ConfigFileInput {
  const wechatpay: NonNullable<ConfigFileInput['providers']>['wechatpay'] = [];
  if (keys.wechatpay !== undefined) {
    const sandbox = keys.wechatpay;
    const platform = {
      baseUrl: sandbox.baseUrl,
      platformPublicKeys: [{ id: sandbox.platformPublicKeyId, publicKey: sandbox.platformPublicKeyPem }],
      platformCertificates: sandbox.platformCertificates.map((entry) => ({ certificate: entry.certificatePem })),
    };
    // A sub-merchant is served by its service provider's account: group them under its mchid.
    const accounts = new Map<string, (typeof wechatpay)[number]>();
    for (const merchant of sandbox.merchants) {
      const caller = merchant.kind === 'sub' && merchant.spMchid !== undefined ? merchant.spMchid : merchant.mchid;
      const existing = accounts.get(caller);
      if (existing !== undefined) {
        existing.merchants.push({ mchid: merchant.mchid, name: merchant.name });
        continue;
      }
      accounts.set(caller, {
        ...platform,
        account: caller,
        mchid: caller,
        serialNo: merchant.serialNo,
        privateKey: merchant.privateKeyPem,
        apiV3Key: merchant.apiV3Key,
        merchants: [{ mchid: merchant.mchid, name: merchant.name }],
      });
    }
    wechatpay.push(...accounts.values());
  }
  const huishouqian: NonNullable<ConfigFileInput['providers']>['huishouqian'] = [];
  if (keys.huishouqian !== undefined && keys.huishouqian.merchants.length > 0) {
    const sandbox = keys.huishouqian;
    huishouqian.push({
      account: sandbox.agentMerchantNo,
      baseUrl: sandbox.baseUrl,
      agentMerchantNo: sandbox.agentMerchantNo,
      platformPublicKey: sandbox.platformPublicKeyPem,
      merchants: sandbox.merchants.map((merchant) => ({
        merchantNo: merchant.merchantNo,
        name: merchant.name,
        privateKey: merchant.privateKeyPem,
        signKey: merchant.signKey,
      })),
    });
  }
  const merchants = [
    ...wechatpay.flatMap((account) => account.merchants.map((merchant) => merchant.mchid)),
    ...huishouqian.flatMap((account) => account.merchants.map((merchant) => merchant.merchantNo)),
  ];
  return { auth: { tokens: sandboxDemoTokens(merchants) }, providers: { wechatpay, huishouqian } };
}

/** Validates a config object (file contents or `configFromSandboxKeys`), applies env and defaults, loads keys. */
export async function resolveConfig(
  input: unknown,
  source: GatewayConfig['source'],
  options: LoadConfigOptions = {},
): Promise<GatewayConfig> {
  const { env = process.env, baseDir = process.cwd() } = options;
  const file = configInput.safeParse(input, { error: missingIsRequired });
  const environment = envInput.safeParse(env, { error: missingIsRequired });
  const problems = [
    ...(file.success ? [] : file.error.issues.map((issue) => describeIssue(issue.path, issue.message))),
    ...(environment.success ? [] : environment.error.issues.map((issue) => describeIssue(issue.path, issue.message, 'env '))),
  ];
  if (!file.success || !environment.success) throw new ConfigError(problems);
  const parsed = file.data;
  const vars = environment.data;

  const resolver = createSecretResolver(env, baseDir);
  const providers = await resolveProviders(parsed.providers, resolver);
  const redisUrl = vars.REDIS_URL;
  const cache = resolveCache(parsed.cache, vars, redisUrl, baseDir, resolver.problems);
  // Sandbox data is reseeded on every start with the same notification ids: a feed kept across runs
  // would take the new run's notifications for redeliveries, so sandbox mode gets a fresh file.
  const defaultEventLogPath =
    source.kind === 'sandbox' ? join(tmpdir(), `complaint-gateway-sandbox-${process.pid}-events.sqlite`) : CONFIG_DEFAULTS.eventLogPath;
  const eventLog = resolveEventLog(parsed.eventLog, vars, redisUrl, baseDir, resolver.problems, defaultEventLogPath);
  const mediaTokenSecret = await resolveMediaSecret(vars.MEDIA_TOKEN_SECRET ?? parsed.media.tokenSecret, resolver);
  const port = vars.PORT ?? parsed.server.port ?? CONFIG_DEFAULTS.port;
  const publicBaseUrl = resolvePublicBaseUrl(vars.PUBLIC_BASE_URL, parsed.server.publicBaseUrl, source, port, resolver.problems);
  checkUniqueAccounts(providers, resolver.problems);
  if (resolver.problems.length > 0) throw new ConfigError(resolver.problems);

  return {
    source,
    server: {
      host: vars.HOST ?? parsed.server.host ?? CONFIG_DEFAULTS.host,
      port,
      graphiql: vars.GRAPHIQL !== undefined ? vars.GRAPHIQL === 'true' : (parsed.server.graphiql ?? CONFIG_DEFAULTS.graphiql),
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
    },
    logLevel: vars.LOG_LEVEL ?? parsed.logLevel ?? CONFIG_DEFAULTS.logLevel,
    auth: { tokens: parsed.auth.tokens.map(resolveAccessToken) },
    cache,
    eventLog,
    sandboxKeysFile: resolve(baseDir, vars.SANDBOX_KEYS_FILE ?? CONFIG_DEFAULTS.sandboxKeysFile),
    mediaTokenSecret,
    providers,
  };
}

type EnvVars = z.infer<typeof envInput>;

function resolveAccessToken(token: z.infer<typeof accessToken>): AccessTokenConfig {
  const merchants =
    token.merchants === '*'
      ? 'all'
      : token.merchants.map((grant): MerchantGrant => {
          const [first = '', second] = grant.split(':');
          const provider = PROVIDERS.find((name) => name === first);
          return second === undefined || provider === undefined ? { merchantNo: first } : { provider, merchantNo: second };
        });
  return { name: token.name, sha256: token.sha256.toLowerCase(), scopes: [...new Set(token.scopes)], merchants };
}
type ParsedConfig = z.infer<typeof configInput>;

function resolveCache(
  file: ParsedConfig['cache'],
  vars: EnvVars,
  redisUrl: string | undefined,
  baseDir: string,
  problems: string[],
): CacheStoreConfig {
  const store = vars.CACHE_STORE ?? file?.store ?? CONFIG_DEFAULTS.cacheStore;
  const fileLocation = file === undefined || file.store === 'memory' || file.store !== store ? undefined : file.store === 'sqlite' ? file.path : file.url;
  const location = vars.CACHE_URL ?? fileLocation;
  switch (store) {
    case 'memory':
      return { kind: 'memory' };
    case 'sqlite':
      if (location === undefined) {
        problems.push('cache.path: required for the sqlite store (or set CACHE_URL)');
        return { kind: 'memory' };
      }
      return { kind: 'sqlite', path: resolve(baseDir, location) };
    case 'redis': {
      const url = location ?? redisUrl;
      if (url === undefined || !isRedisUrl(url)) {
        problems.push('cache.url: a redis:// URL is required for the redis store (or set CACHE_URL / REDIS_URL)');
        return { kind: 'memory' };
      }
      const keyPrefix = file?.store === 'redis' ? file.keyPrefix : undefined;
      return { kind: 'redis', url, keyPrefix: keyPrefix ?? CONFIG_DEFAULTS.cacheKeyPrefix };
    }
  }
}

function resolveEventLog(
  file: ParsedConfig['eventLog'],
  vars: EnvVars,
  redisUrl: string | undefined,
  baseDir: string,
  problems: string[],
  defaultEventLogPath: string,
): EventLogConfig {
  const store = vars.EVENT_LOG_STORE ?? file?.store ?? 'sqlite';
  if (store === 'sqlite') {
    const path = vars.EVENT_LOG_PATH ?? (file?.store === 'sqlite' ? file.path : undefined) ?? defaultEventLogPath;
    return { store: 'sqlite', path: resolve(baseDir, path) };
  }
  const url = (file?.store === 'redis' ? file.url : undefined) ?? redisUrl;
  if (url === undefined || !isRedisUrl(url)) {
    problems.push('eventLog.url: a redis:// URL is required for the redis store (or set REDIS_URL)');
    return { store: 'sqlite', path: resolve(baseDir, defaultEventLogPath) };
  }
  return { store: 'redis', url, keyPrefix: (file?.store === 'redis' ? file.keyPrefix : undefined) ?? CONFIG_DEFAULTS.eventLogKeyPrefix };
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

async function resolveMediaSecret(source: SecretSource | undefined, resolver: SecretResolver): Promise<KeyObject | null> {
  if (source === undefined) return null;
  const text = await resolver.text(source, 'media.tokenSecret');
  if (text === undefined) return null;
  if (text.trim().length < 32) {
    resolver.problems.push('media.tokenSecret: must be at least 32 characters');
    return null;
  }
  return createSecretKey(Buffer.from(text.trim(), 'utf8'));
}

function isRedisUrl(url: string): boolean {
  return /^rediss?:\/\/./.test(url);
}

interface SecretResolver {
  problems: string[];
  text(source: SecretSource, key: string): Promise<string | undefined>;
}

function createSecretResolver(env: Environment, baseDir: string): SecretResolver {
  const problems: string[] = [];
  return {
    problems,
    async text(source, key) {
      if (typeof source === 'string') return source;
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined || value === '') problems.push(`${key}: environment variable ${source.env} is not set`);
        return value === '' ? undefined : value;
      }
      try {
        return await readFile(resolve(baseDir, source.file), 'utf8');
      } catch (error) {
        problems.push(`${key}: file ${source.file} cannot be read (${errorCode(error)})`);
        return undefined;
      }
    },
  };
}

// Parse errors from OpenSSL can quote nothing secret, but we still report only the category.
function loadKey(kind: 'private' | 'public', pem: string | undefined, key: string, problems: string[]): KeyObject | undefined {
  if (pem === undefined) return undefined;
  try {
    const object = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (object.asymmetricKeyType !== 'rsa') {
      problems.push(`${key}: must be an RSA key`);
      return undefined;
    }
    return object;
  } catch {
    problems.push(`${key}: is not a PEM ${kind} key`);
    return undefined;
  }
}

function loadCertificate(pem: string | undefined, key: string, problems: string[]): { serialNo: string; key: KeyObject } | undefined {
  if (pem === undefined) return undefined;
  try {
    const certificate = new X509Certificate(pem);
    return { serialNo: certificate.serialNumber.toUpperCase(), key: certificate.publicKey };
  } catch {
    problems.push(`${key}: is not a PEM X.509 certificate`);
    return undefined;
  }
}

async function resolveProviders(
  providers: ParsedConfig['providers'],
  resolver: SecretResolver,
): Promise<GatewayConfig['providers']> {
  const { problems } = resolver;
  const wechatpay: WechatPayAccountConfig[] = [];
  for (const [index, account] of providers.wechatpay.entries()) {
    const at = `providers.wechatpay[${index}]`;
    const privateKey = loadKey('private', await resolver.text(account.privateKey, `${at}.privateKey`), `${at}.privateKey`, problems);
    const apiV3Key = await resolver.text(account.apiV3Key, `${at}.apiV3Key`);
    // Bytes, not characters: the key is used as 32 raw bytes for AES-256-GCM.
    if (apiV3Key !== undefined && Buffer.byteLength(apiV3Key, 'utf8') !== 32) problems.push(`${at}.apiV3Key: must be 32 characters`);
    const platformPublicKeys: WechatPayAccountConfig['platformPublicKeys'] = [];
    for (const [keyIndex, entry] of account.platformPublicKeys.entries()) {
      const key = `${at}.platformPublicKeys[${keyIndex}].publicKey`;
      const loaded = loadKey('public', await resolver.text(entry.publicKey, key), key, problems);
      if (loaded !== undefined) platformPublicKeys.push({ id: entry.id, key: loaded });
    }
    const platformCertificates: WechatPayAccountConfig['platformCertificates'] = [];
    for (const [certIndex, entry] of account.platformCertificates.entries()) {
      const key = `${at}.platformCertificates[${certIndex}].certificate`;
      const loaded = loadCertificate(await resolver.text(entry.certificate, key), key, problems);
      if (loaded !== undefined) platformCertificates.push(loaded);
    }
    if (account.platformPublicKeys.length === 0 && account.platformCertificates.length === 0) {
      problems.push(`${at}.platformPublicKeys: give a platform public key or platformCertificates to verify WeChat Pay's answers`);
    }
    if (privateKey === undefined || apiV3Key === undefined) continue;
    wechatpay.push({
      account: account.account ?? account.mchid,
      baseUrl: account.baseUrl,
      ...(account.backupBaseUrl === undefined ? {} : { backupBaseUrl: account.backupBaseUrl }),
      mchid: account.mchid,
      serialNo: account.serialNo.toUpperCase(),
      privateKey,
      apiV3Key,
      platformPublicKeys,
      platformCertificates,
      merchants: account.merchants,
      timeoutMs: account.timeoutMs,
      ...(account.capabilities === undefined ? {} : { capabilities: account.capabilities }),
      ...(account.limits === undefined ? {} : { limits: account.limits }),
      ...(account.maxQueueMs === undefined ? {} : { maxQueueMs: account.maxQueueMs }),
    });
  }

  const huishouqian: HuishouqianAccountConfig[] = [];
  for (const [index, account] of providers.huishouqian.entries()) {
    const at = `providers.huishouqian[${index}]`;
    const platformPublicKey = loadKey('public', await resolver.text(account.platformPublicKey, `${at}.platformPublicKey`), `${at}.platformPublicKey`, problems);
    const merchants: HuishouqianAccountConfig['merchants'] = [];
    for (const [merchantIndex, merchant] of account.merchants.entries()) {
      const mat = `${at}.merchants[${merchantIndex}]`;
      const privateKey = loadKey('private', await resolver.text(merchant.privateKey, `${mat}.privateKey`), `${mat}.privateKey`, problems);
      const signKey = await resolver.text(merchant.signKey, `${mat}.signKey`);
      if (privateKey !== undefined && signKey !== undefined) {
        merchants.push({ merchantNo: merchant.merchantNo, name: merchant.name, privateKey, signKey: signKey.trim() });
      }
    }
    if (platformPublicKey === undefined) continue;
    huishouqian.push({
      account: account.account ?? account.agentMerchantNo ?? account.merchants[0]?.merchantNo ?? `huishouqian-${index}`,
      baseUrl: account.baseUrl,
      ...(account.agentMerchantNo === undefined ? {} : { agentMerchantNo: account.agentMerchantNo }),
      platformPublicKey,
      signType: account.signType,
      urlShape: account.urlShape,
      merchants,
      timeoutMs: account.timeoutMs,
      ...(account.capabilities === undefined ? {} : { capabilities: account.capabilities }),
    });
  }
  return { wechatpay, huishouqian };
}

function checkUniqueAccounts(providers: GatewayConfig['providers'], problems: string[]): void {
  const check = (name: string, accounts: readonly { account: string }[]): void => {
    const seen = new Set<string>();
    for (const [index, { account }] of accounts.entries()) {
      if (seen.has(account)) problems.push(`providers.${name}[${index}].account: "${account}" is used by an earlier account`);
      seen.add(account);
    }
  };
  check('wechatpay', providers.wechatpay);
  check('huishouqian', providers.huishouqian);
}

/** "required" reads better than zod's "expected string, received undefined". */
function missingIsRequired(issue: { code?: string; input?: unknown }): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;
}

/** `providers.wechatpay[0].apiV3Key: must be 32 characters`; env keys read `env PORT: ...`. */
function describeIssue(path: readonly PropertyKey[], message: string, prefix = ''): string {
  let key = '';
  for (const part of path) {
    if (typeof part === 'number') key += `[${part}]`;
    else key += key === '' ? String(part) : `.${String(part)}`;
  }
  return `${prefix}${key === '' ? '(top level)' : key}: ${message}`;
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unreadable';
}
