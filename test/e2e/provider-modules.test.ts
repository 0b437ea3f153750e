import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp, type App } from '../../src/app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { resolveConfig } from '../../src/config/gateway-config.js';
import { ValidationError } from '../../src/domain/errors.js';
import { PROVIDER_MODULES } from '../../src/providers/modules.js';
import { accountsOf, registerModule, type ProviderModule } from '../../src/providers/provider-module.js';
import { startSandboxMode } from '../../src/sandbox/sandbox-mode.js';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { hashAccessToken } from '../../src/server/auth/access-tokens.js';
import { createLogger } from '../../src/server/logger.js';
import { createFakeProvider, makeComplaint } from '../helpers/fake-provider.js';

/*
 * A provider is a plug-in: a module registered in the list the wiring loops over brings its config
 * key, its accounts, its merchants in GraphQL and its webhook route, with no change to config, app,
 * server or schema. Shown with a minimal fake module ("fakepay") in place of the shipped list.
 */

interface FakeSettings {
  account: string;
  baseUrl: string;
  merchantNo: string;
}

const fakeAccountInput = z.strictObject({ account: z.string().min(1), merchantNo: z.string().regex(/^\w+$/, 'must be a merchant number') });

const fakeModule: ProviderModule<z.infer<typeof fakeAccountInput>, FakeSettings> = {
  // Any name of the provider union: what is shown here is the wiring, not a new enum value.
  name: 'HUISHOUQIAN',
  slug: 'fakepay',
  accountSchema: fakeAccountInput,
  resolveAccount: async (input) => ({ ...input, baseUrl: 'http://fakepay.invalid' }),
  createAccount(settings) {
    const provider = createFakeProvider({ provider: 'HUISHOUQIAN', merchantNo: settings.merchantNo, name: 'Fake Pay shop' });
    provider.add(makeComplaint({ ...provider.merchant, complaintId: 'fp-1' }, new Date().toISOString()));
    return {
      providers: [provider],
      notifications: {
        async receive(request) {
          const parsed = z.object({ id: z.string(), complaintId: z.string() }).safeParse(JSON.parse(request.body.toString('utf8')));
          if (!parsed.success) throw new ValidationError('not a fakepay notification');
          return {
            acknowledgement: { status: 200, contentType: 'text/plain', body: 'OK' },
            events: [
              {
                notificationId: parsed.data.id,
                complaint: { ...provider.merchant, complaintId: parsed.data.complaintId },
                actionType: 'CREATED',
                providerTime: null,
              },
            ],
          };
        },
      },
      checkCredentials: async () => ({ state: 'ok' }),
    };
  },
  refuseNotification: (message) => ({ contentType: 'text/plain; charset=utf-8', body: `NO ${message}` }),
  // A sandbox with nothing to serve over HTTP: what sandbox mode needs of one is its accounts and keys.
  async startSandbox() {
    sandboxesRunning += 1;
    return {
      baseUrl: 'http://fakepay.invalid',
      keys: { signingKey: 'fake' },
      accounts: [{ account: 'fp-sandbox', merchantNo: 'FP777' }],
      merchantNos: ['FP777'],
      pointNotificationsAt: async (webhookUrl) => {
        pointedAt = webhookUrl('fp-sandbox');
      },
      close: async () => {
        sandboxesRunning -= 1;
      },
    };
  },
};

let sandboxesRunning = 0;
let pointedAt: string | null = null;

const modules = [registerModule(fakeModule)];
let dir: string;
let app: App;
let server: Server;
let url: string;

async function graphql(query: string): Promise<{ data?: Record<string, unknown> }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown> };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provider-modules-'));
  const config = await resolveConfig(
    {
      auth: { tokens: [{ name: 'admin', sha256: hashAccessToken(SANDBOX_ADMIN_TOKEN), scopes: ['complaints:read'], merchants: '*' }] },
      eventLog: { store: 'sqlite', path: join(dir, 'events.sqlite') },
      providers: { fakepay: [{ account: 'fp-account', merchantNo: 'FP001' }] },
    },
    { kind: 'file', path: join(dir, 'gateway.json') },
    { env: {}, baseDir: dir, modules },
  );
  app = await createApp({ config, logger: createLogger({ level: 'silent' }) });
  server = createServer(app.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a provider module registered through the list', () => {
  it('is configured under providers.<slug>, validated by the module, and other slugs are refused', async () => {
    const refused = await resolveConfig(
      { providers: { fakepay: [{ account: 'x', merchantNo: 'bad no' }], wechatpay: [] } },
      { kind: 'sandbox' },
      { env: {}, baseDir: dir, modules },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([
      'providers.wechatpay: not a provider this gateway speaks (fakepay)',
      'providers.fakepay[0].merchantNo: must be a merchant number',
    ]);
  });

  it('serves its merchants and complaints through GraphQL', async () => {
    const body = await graphql('{ merchants { merchantNo name } complaints(first: 5) { edges { node { complaintId } } } }');
    expect(body.data?.['merchants']).toEqual([{ merchantNo: 'FP001', name: 'Fake Pay shop' }]);
    expect(body.data?.['complaints']).toEqual({ edges: [{ node: { complaintId: 'fp-1' } }] });
  });

  it('hears its notifications on /webhooks/<slug>/<account> and refuses in its own format', async () => {
    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const accepted = await post('/webhooks/fakepay/fp-account', JSON.stringify({ id: 'n-1', complaintId: 'fp-1' }));
    expect([accepted.status, await accepted.text()]).toEqual([200, 'OK']);
    const refused = await post('/webhooks/fakepay/fp-account', '{"nope":1}');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/^NO /);
    expect((await post('/webhooks/wechatpay/fp-account', '{}')).status).toBe(404);
    const feed = await graphql('{ complaintEvents(first: 5) { edges { node { notificationId complaintId merchant { merchantNo } } } } }');
    expect(feed.data?.['complaintEvents']).toEqual({ edges: [{ node: { notificationId: 'n-1', complaintId: 'fp-1', merchant: { merchantNo: 'FP001' } } }] });
  });

  it('runs in sandbox mode: its sandbox started, its accounts configured, a demo token per merchant, its keys written', async () => {
    const keysFile = join(dir, 'sandbox-keys.json');
    const mode = await startSandboxMode({ modules, env: { SANDBOX_KEYS_FILE: keysFile } });
    try {
      expect(sandboxesRunning).toBe(1);
      expect(accountsOf(mode.config.providers, fakeModule)).toEqual([{ account: 'fp-sandbox', merchantNo: 'FP777', baseUrl: 'http://fakepay.invalid' }]);
      expect(mode.config.auth.tokens.map((token) => token.name)).toContain('demo-merchant-FP777');
      expect(JSON.parse(await readFile(keysFile, 'utf8'))).toEqual({ fakepay: { signingKey: 'fake' } });
      await mode.pointNotificationsAt(app, 'https://gateway.example', createLogger({ level: 'silent' }));
      expect(pointedAt).toBe('https://gateway.example/webhooks/fakepay/fp-sandbox');
    } finally {
      await mode.close();
    }
    expect(sandboxesRunning).toBe(0);
  });

  it('the shipped list names each provider once', () => {
    expect(PROVIDER_MODULES.map((module) => module.slug)).toEqual(['wechatpay', 'huishouqian']);
  });
});
