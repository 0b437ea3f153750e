import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { findConfigFile, loadConfigFile, resolveConfig, type ConfigFileInput, type GatewayConfig } from '../../src/config/gateway-config.js';
import { huishouqianModule } from '../../src/providers/huishouqian/module.js';
import { accountsOf } from '../../src/providers/provider-module.js';
import { wechatPayModule } from '../../src/providers/wechatpay/module.js';
import { configFromSandboxKeys } from '../../src/sandbox/sandbox-config.js';
import type { SandboxKeysFile } from '../../src/sandbox/sandbox-keys.js';
import { LOOPBACK_ORIGINS } from '../../src/server/cors.js';

const wechatpayOf = (config: GatewayConfig) => accountsOf(config.providers, wechatPayModule);
const huishouqianOf = (config: GatewayConfig) => accountsOf(config.providers, huishouqianModule);

let privatePem: string;
let publicPem: string;
let dir: string;

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  dir = await mkdtemp(join(tmpdir(), 'config-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function wechatAccount(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    baseUrl: 'http://127.0.0.1:9',
    mchid: '1900000001',
    serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKey: privatePem,
    apiV3Key: 'a'.repeat(32),
    platformPublicKeys: [{ id: 'PUB_KEY_ID_0119000000012025', publicKey: publicPem }],
    merchants: [{ mchid: '1900000001', name: 'Shop' }],
    ...overrides,
  };
}

async function problemsOf(input: unknown, env: Record<string, string> = {}): Promise<readonly string[]> {
  try {
    await resolveConfig(input, { kind: 'sandbox' }, { env, baseDir: dir });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('applies the documented defaults to an empty file', async () => {
    const config = await resolveConfig({}, { kind: 'sandbox' }, { env: {}, baseDir: dir });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 4000,
      graphiql: true,
      introspection: true,
      development: false,
      maxWebhookBodyBytes: 65_536,
      maxRequestBodyBytes: 262_144,
      maxUploadBodyBytes: 3_145_728,
      responseCacheTtlMs: 10_000,
      publicBaseUrl: 'http://127.0.0.1:4000',
      limits: { maxDepth: 10, maxAliases: 100, maxTokens: 2000, maxDirectives: 20, maxCost: 5000, maxUpstreamFields: 50 },
      persistedOperations: { mode: 'off', file: null },
      automaticPersistedQueries: true,
      cors: { origins: LOOPBACK_ORIGINS },
      metrics: { enabled: true, tokenSha256: null },
    });
    expect(config.logLevel).toBe('info');
    expect(config.cache).toEqual({ kind: 'memory' });
    expect(config.eventLog).toMatchObject({ store: 'sqlite', path: expect.stringMatching(/complaint-gateway-sandbox-\d+-events\.sqlite$/) });
    const fromFile = await resolveConfig({}, { kind: 'file', path: join(dir, 'g.json') }, { env: {}, baseDir: dir });
    expect(fromFile.eventLog).toEqual({ store: 'sqlite', path: join(dir, 'complaint-events.sqlite'), retentionMs: 90 * 86_400_000 });
    // Real mode: no /metrics unless turned on.
    expect(fromFile.server.metrics).toEqual({ enabled: false, tokenSha256: null });
    expect(config.providers).toEqual([]);
  });

  it('turns GraphiQL off by default in real mode: on with server.graphiql or GRAPHIQL', async () => {
    const file = { kind: 'file', path: join(dir, 'g.json') } as const;
    expect((await resolveConfig({}, file, { env: {}, baseDir: dir })).server.graphiql).toBe(false);
    expect((await resolveConfig({ server: { graphiql: true } }, file, { env: {}, baseDir: dir })).server.graphiql).toBe(true);
    expect((await resolveConfig({}, file, { env: { GRAPHIQL: 'true' }, baseDir: dir })).server.graphiql).toBe(true);
    expect((await resolveConfig({}, { kind: 'sandbox' }, { env: {}, baseDir: dir })).server.graphiql).toBe(true);
  });

  it('resolves the event log retention from eventLog.retentionDays, EVENT_LOG_RETENTION_DAYS over it, never under a day', async () => {
    const day = 86_400_000;
    const fromFile = await resolveConfig({ eventLog: { store: 'sqlite', path: 'e.sqlite', retentionDays: 7 } }, { kind: 'sandbox' }, { env: {}, baseDir: dir });
    expect(fromFile.eventLog).toMatchObject({ store: 'sqlite', retentionMs: 7 * day });
    const fromEnv = await resolveConfig(
      { eventLog: { store: 'redis', url: 'redis://127.0.0.1:6379', retentionDays: 7 } },
      { kind: 'sandbox' },
      { env: { EVENT_LOG_RETENTION_DAYS: '2' }, baseDir: dir },
    );
    expect(fromEnv.eventLog).toMatchObject({ store: 'redis', retentionMs: 2 * day });
    const problems = await problemsOf({ eventLog: { store: 'sqlite', path: 'e.sqlite', retentionDays: 0 } }, { EVENT_LOG_RETENTION_DAYS: '0.5' });
    expect(problems).toEqual([
      expect.stringMatching(/^eventLog\.retentionDays: must be a whole number of days from 1 .*24-hour retries/),
      expect.stringMatching(/^env EVENT_LOG_RETENTION_DAYS: must be a whole number of days from 1 /),
    ]);
  });

  it('takes the public base URL from env over file, none by default with a config file, and refuses an unsafe one', async () => {
    const file = { kind: 'file', path: join(dir, 'g.json') } as const;
    expect((await resolveConfig({}, file, { env: {}, baseDir: dir })).server.publicBaseUrl).toBeNull();
    const fromFile = await resolveConfig({ server: { publicBaseUrl: 'https://Gateway.Example/complaints/' } }, file, { env: {}, baseDir: dir });
    expect(fromFile.server.publicBaseUrl).toBe('https://gateway.example/complaints');
    const fromEnv = await resolveConfig({ server: { publicBaseUrl: 'https://a.example' } }, file, {
      env: { PUBLIC_BASE_URL: 'https://b.example' },
      baseDir: dir,
    });
    expect(fromEnv.server.publicBaseUrl).toBe('https://b.example');
    // Sandbox mode listens on loopback; with PORT=0 the port is known only after listening (main.ts).
    expect((await resolveConfig({}, { kind: 'sandbox' }, { env: { PORT: '4100' }, baseDir: dir })).server.publicBaseUrl).toBe('http://127.0.0.1:4100');
    expect((await resolveConfig({}, { kind: 'sandbox' }, { env: { PORT: '0' }, baseDir: dir })).server.publicBaseUrl).toBeNull();
    expect(await problemsOf({ server: { publicBaseUrl: 'http://gateway.example' } })).toEqual([
      'server.publicBaseUrl: must be https (http only for a loopback host: sandbox mode, tests)',
    ]);
    expect(await problemsOf({}, { PUBLIC_BASE_URL: 'https://gateway.example/?x=1' })).toEqual(['env PUBLIC_BASE_URL: must not have a query or a fragment']);
    expect(await problemsOf({ server: { publicBaseUrl: 'gateway.example' } })).toEqual(['server.publicBaseUrl: must be an absolute URL']);
    expect((await resolveConfig({ server: { publicBaseUrl: 'http://localhost:8080' } }, file, { env: {}, baseDir: dir })).server.publicBaseUrl).toBe(
      'http://localhost:8080',
    );
  });

  it('names the bad key of a provider account', async () => {
    const problems = await problemsOf({ providers: { wechatpay: [wechatAccount({ apiV3Key: 'short' })] } });
    expect(problems).toEqual(['providers.wechatpay[0].apiV3Key: must be 32 characters']);
  });

  it('takes per-account provider budgets and a queue limit, refusing unknown groups and budgets below 7 a minute', async () => {
    const config = await resolveConfig(
      { providers: { wechatpay: [wechatAccount({ limits: { list: 300, complete: 120 }, maxQueueMs: 500 })] } },
      { kind: 'sandbox' },
      { env: {}, baseDir: dir },
    );
    expect(wechatpayOf(config)[0]).toMatchObject({ limits: { list: 300, complete: 120 }, maxQueueMs: 500 });
    expect(
      wechatpayOf(await resolveConfig({ providers: { wechatpay: [wechatAccount()] } }, { kind: 'sandbox' }, { env: {}, baseDir: dir }))[0],
    ).not.toHaveProperty('limits');
    const problems = await problemsOf({ providers: { wechatpay: [wechatAccount({ limits: { feedback: 60, reply: 5 } })] } });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining(['providers.wechatpay[0].limits', 'providers.wechatpay[0].limits.reply']),
    );
    expect(problems.find((problem) => problem.startsWith('providers.wechatpay[0].limits.reply'))).toMatch(/at least 7/);
  });

  it('takes per-account public image origins for history images, defaulting to the qpic.cn family over https', async () => {
    const config = await resolveConfig({ providers: { wechatpay: [wechatAccount()] } }, { kind: 'sandbox' }, { env: {}, baseDir: dir });
    expect(wechatpayOf(config)[0]?.publicImageOrigins).toEqual(['https://qpic.cn', 'https://*.qpic.cn', 'https://*.qlogo.cn']);
    const custom = await resolveConfig(
      { providers: { wechatpay: [wechatAccount({ publicImageOrigins: ['https://*.wx.qq.com'] })] } },
      { kind: 'sandbox' },
      { env: {}, baseDir: dir },
    );
    expect(wechatpayOf(custom)[0]?.publicImageOrigins).toEqual(['https://*.wx.qq.com']);
    const problems = await problemsOf({ providers: { wechatpay: [wechatAccount({ publicImageOrigins: ['qpic.cn/path'] })] } });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['providers.wechatpay[0].publicImageOrigins[0]']);
  });

  it('takes CORS origins: none by default with a config file, localhost on any port in sandbox mode, bad patterns named', async () => {
    const fromFile = await resolveConfig({}, { kind: 'file', path: join(dir, 'g.json') }, { env: {}, baseDir: dir });
    expect(fromFile.server.cors.origins).toEqual([]);
    const sandbox = await resolveConfig({}, { kind: 'sandbox' }, { env: {}, baseDir: dir });
    expect(sandbox.server.cors.origins).toEqual(expect.arrayContaining(['http://localhost:*', 'http://127.0.0.1:*']));
    const listed = await resolveConfig({ server: { cors: { origins: ['https://console.example.com'] } } }, { kind: 'sandbox' }, { env: {}, baseDir: dir });
    expect(listed.server.cors.origins).toEqual(['https://console.example.com']);
    const problems = await problemsOf({ server: { cors: { origins: ['https://ok.example', '*', 'https://console.example.com/', 'console.example.com'] } } });
    expect(problems).toEqual([1, 2, 3].map((index) => expect.stringMatching(new RegExp(`^server\\.cors\\.origins\\[${index}\\]: must be http\\(s\\)://host`))));
  });

  it('names every bad key at once, including nested and unknown ones', async () => {
    const problems = await problemsOf({
      server: { port: 70000, colour: 'blue' },
      providers: { wechatpay: [wechatAccount({ merchants: [] })], huishouqian: [{ baseUrl: 'ftp://x' }] },
    });
    const keys = problems.map((problem) => problem.split(':')[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        'server.port',
        'server',
        'providers.wechatpay[0].merchants',
        'providers.huishouqian[0].baseUrl',
        'providers.huishouqian[0].platformPublicKey',
        'providers.huishouqian[0].merchants',
      ]),
    );
    expect(problems.find((problem) => problem.startsWith('server:'))).toMatch(/colour/);
  });

  it('never puts a secret value into an error', async () => {
    const secret = 'not-a-pem-but-secret-material-xyz';
    const problems = await problemsOf({ providers: { wechatpay: [wechatAccount({ privateKey: secret })] } });
    expect(problems).toEqual(['providers.wechatpay[0].privateKey: is not a PEM private key']);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('reads secrets from files (relative to the config file) and from named environment variables', async () => {
    await writeFile(join(dir, 'apiclient_key.pem'), privatePem);
    const path = join(dir, 'gateway.json');
    await writeFile(
      path,
      JSON.stringify({
        providers: { wechatpay: [wechatAccount({ privateKey: { file: 'apiclient_key.pem' }, apiV3Key: { env: 'WXP_V3' } })] },
      }),
    );
    const config = await loadConfigFile(path, { env: { WXP_V3: 'b'.repeat(32) } });
    const [account] = wechatpayOf(config);
    expect(account?.apiV3Key).toBe('b'.repeat(32));
    expect(account?.privateKey.type).toBe('private');
    expect(account?.account).toBe('1900000001');
    expect(config.source).toEqual({ kind: 'file', path });

    await expect(loadConfigFile(path, { env: {} })).rejects.toThrow('providers.wechatpay[0].apiV3Key: environment variable WXP_V3 is not set');
  });

  it('reports an unreadable or non-JSON file by its path', async () => {
    await expect(loadConfigFile(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot be read \(ENOENT\)/);
    await writeFile(join(dir, 'broken.json'), '{');
    await expect(loadConfigFile(join(dir, 'broken.json'))).rejects.toThrow(/broken\.json: is not valid JSON/);
  });

  it('lets the environment override the file', async () => {
    const input: ConfigFileInput = { server: { port: 5000, host: '0.0.0.0', graphiql: true }, logLevel: 'debug', cache: { store: 'memory' } };
    const config = await resolveConfig(
      input,
      { kind: 'sandbox' },
      {
        env: { PORT: '4100', HOST: '127.0.0.2', LOG_LEVEL: 'warn', GRAPHIQL: 'false', CACHE_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' },
        baseDir: dir,
      },
    );
    expect(config.server).toMatchObject({ port: 4100, host: '127.0.0.2', graphiql: false });
    expect(config.logLevel).toBe('warn');
    expect(config.cache).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: 'complaint-gateway:cache:' });
  });

  it('names bad environment variables', async () => {
    const problems = await problemsOf({}, { PORT: 'eighty', CACHE_STORE: 'memcached' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(expect.arrayContaining(['env PORT', 'env CACHE_STORE']));
    expect(await problemsOf({}, { CACHE_STORE: 'redis' })).toEqual([
      'cache.url: a redis:// URL is required for the redis store (or set CACHE_URL / REDIS_URL)',
    ]);
  });

  it('finds the config file from --config or CONFIG_FILE, else sandbox mode', () => {
    expect(findConfigFile({ argv: ['--config', 'a.json'], env: { CONFIG_FILE: 'b.json' } })).toBe('a.json');
    expect(findConfigFile({ argv: ['--config=c.json'], env: {} })).toBe('c.json');
    expect(findConfigFile({ argv: [], env: { CONFIG_FILE: 'b.json' } })).toBe('b.json');
    expect(findConfigFile({ argv: [], env: {} })).toBeNull();
    expect(() => findConfigFile({ argv: ['--config'], env: {} })).toThrow(ConfigError);
  });

  it('takes access tokens by hash with scopes and merchants, naming every bad key', async () => {
    const sha256 = 'ab'.repeat(32);
    const config = await resolveConfig(
      {
        auth: {
          tokens: [
            { name: 'ops', sha256: sha256.toUpperCase(), scopes: ['complaints:read', 'complaints:read'], merchants: '*' },
            { name: 'shop', sha256, scopes: ['complaints:write'], merchants: ['1900000001', 'HUISHOUQIAN:M1'], requestsPerMinute: 120 },
          ],
        },
      },
      { kind: 'file', path: 'x.json' },
      { env: {}, baseDir: dir },
    );
    expect(config.auth.tokens).toEqual([
      { name: 'ops', sha256, scopes: ['complaints:read'], merchants: 'all', requestsPerMinute: null },
      {
        name: 'shop',
        sha256,
        scopes: ['complaints:write'],
        merchants: [{ merchantNo: '1900000001' }, { provider: 'HUISHOUQIAN', merchantNo: 'M1' }],
        requestsPerMinute: 120,
      },
    ]);
    const problems = await problemsOf({
      auth: {
        tokens: [
          { name: 'x', sha256: 'the-token-itself', scopes: ['admin'], merchants: ['ALIPAY:1'] },
          { name: 'y', sha256, scopes: [], merchants: [], requestsPerMinute: 0 },
        ],
      },
    });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining([
        'auth.tokens[0].sha256',
        'auth.tokens[0].scopes[0]',
        'auth.tokens[0].merchants[0]',
        'auth.tokens[1].scopes',
        'auth.tokens[1].merchants',
        'auth.tokens[1].requestsPerMinute',
      ]),
    );
    expect(problems.join('\n')).not.toContain('the-token-itself');
  });

  it('has no tokens, demo or other, when a config file names none', async () => {
    const file = await resolveConfig({}, { kind: 'file', path: 'x.json' }, { env: {}, baseDir: dir });
    expect(file.auth.tokens).toEqual([]);
  });

  it('turns sandbox keys into the same config: sub-merchants under their service provider', async () => {
    const keys: SandboxKeysFile = {
      wechatpay: {
        baseUrl: 'http://127.0.0.1:7001',
        platformPublicKeyId: 'PUB_KEY_ID_0111',
        platformPublicKeyPem: publicPem,
        keyMode: 'public-key',
        platformCertificates: [],
        merchants: [
          { mchid: '1900000001', name: 'Direct', kind: 'direct', serialNo: 'AAAA0001', privateKeyPem: privatePem, apiV3Key: 'c'.repeat(32) },
          { mchid: '1900000101', name: 'Sub A', kind: 'sub', spMchid: '1900000100', serialNo: 'BBBB0001', privateKeyPem: privatePem, apiV3Key: 'd'.repeat(32) },
          { mchid: '1900000102', name: 'Sub B', kind: 'sub', spMchid: '1900000100', serialNo: 'BBBB0001', privateKeyPem: privatePem, apiV3Key: 'd'.repeat(32) },
        ],
      },
      huishouqian: {
        baseUrl: 'http://127.0.0.1:7002',
        platformPublicKeyPem: publicPem,
        agentMerchantNo: 'AG001',
        merchants: [{ merchantNo: 'HSQ001', name: 'Tea', privateKeyPem: privatePem, signKey: 'sign-key-1' }],
      },
    };
    const config = await resolveConfig(configFromSandboxKeys(keys), { kind: 'sandbox' }, { env: {}, baseDir: dir });
    expect(wechatpayOf(config).map((account) => [account.account, account.mchid, account.merchants.map((m) => m.mchid)])).toEqual([
      ['1900000001', '1900000001', ['1900000001']],
      ['1900000100', '1900000100', ['1900000101', '1900000102']],
    ]);
    expect(wechatpayOf(config)[1]?.platformPublicKeys[0]?.id).toBe('PUB_KEY_ID_0111');
    expect(huishouqianOf(config)).toHaveLength(1);
    expect(huishouqianOf(config)[0]).toMatchObject({ account: 'AG001', agentMerchantNo: 'AG001', baseUrl: 'http://127.0.0.1:7002' });
    expect(huishouqianOf(config)[0]?.merchants[0]).toMatchObject({ merchantNo: 'HSQ001', signKey: 'sign-key-1' });
  });
});

describe('config: one pass over every problem', () => {
  it('reports schema, environment, provider, secret, store and public URL problems together', async () => {
    const problems = await problemsOf(
      {
        server: { prot: 4000, publicBaseUrl: 'ftp://gateway.example' },
        media: { tokenSecret: { env: 'UNSET_MEDIA_SECRET' } },
        eventLog: { store: 'redis' },
        providers: { huishouqian: [{ baseUrl: 'ftp://x' }] },
      },
      { PORT: 'eighty', CACHE_STORE: 'redis' },
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining([
        'server',
        'env PORT',
        'providers.huishouqian[0].baseUrl',
        'media.tokenSecret',
        'cache.url',
        'eventLog.url',
        'server.publicBaseUrl',
      ]),
    );
  });

  it('still checks the environment when the file is not JSON', async () => {
    const path = join(dir, 'not-json.json');
    await writeFile(path, '{"server": ');
    const error = await loadConfigFile(path, { env: { PORT: 'eighty' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([`${path}: is not valid JSON`, expect.stringMatching(/^env PORT: /)]);
  });

  it('names the known key an unknown one was likely meant to be, in the gateway keys and in provider accounts', async () => {
    const problems = await problemsOf({
      servre: {},
      server: { prot: 4000, colour: 'blue' },
      cache: { store: 'sqlite', pth: 'cache.sqlite' },
      providers: { wechatpay: [wechatAccount({ api_v3_key: 'x' })] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '(top level): unknown key "servre" (did you mean "server"?)',
        'server: unknown keys "prot" (did you mean "port"?), "colour"',
        'cache: unknown key "pth" (did you mean "path"?)',
        'providers.wechatpay[0]: unknown key "api_v3_key" (did you mean "apiV3Key"?)',
      ]),
    );
  });
});

describe('config: the postgres event log', () => {
  const url = 'postgres://gateway:pw@db.internal:5432/events';
  it('takes its URL from EVENT_LOG_URL over eventLog.url over DATABASE_URL', async () => {
    const resolveWith = async (input: ConfigFileInput, env: Record<string, string>) =>
      (await resolveConfig(input, { kind: 'sandbox' }, { env, baseDir: dir })).eventLog;
    expect(await resolveWith({ eventLog: { store: 'postgres', url } }, { DATABASE_URL: 'postgres://other/db' })).toMatchObject({ store: 'postgres', url });
    expect(await resolveWith({}, { EVENT_LOG_STORE: 'postgres', DATABASE_URL: url })).toMatchObject({ store: 'postgres', url });
    expect(await resolveWith({ eventLog: { store: 'postgres', url: 'postgres://file/db' } }, { EVENT_LOG_URL: url })).toMatchObject({ url });
    expect(
      await resolveWith({ eventLog: { store: 'sqlite', path: 'e.sqlite' } }, { EVENT_LOG_STORE: 'postgres', EVENT_LOG_URL: `postgresql://h/db` }),
    ).toMatchObject({
      store: 'postgres',
      url: 'postgresql://h/db',
    });
  });

  it('names the missing or wrong URL without quoting it', async () => {
    const missing = await problemsOf({ eventLog: { store: 'postgres' } });
    expect(missing).toEqual([expect.stringMatching(/^eventLog\.url: a postgres:\/\/ URL is required .*EVENT_LOG_URL \/ DATABASE_URL/)]);
    const wrong = await problemsOf({}, { EVENT_LOG_STORE: 'postgres', EVENT_LOG_URL: 'mysql://user:hunter2@h/db' });
    expect(wrong).toHaveLength(1);
    expect(wrong.join()).not.toContain('hunter2');
    expect(await problemsOf({}, { EVENT_LOG_STORE: 'mongo' })).toEqual([expect.stringMatching(/^env EVENT_LOG_STORE/)]);
  });
});
