import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog, type EventLog } from '../../src/events/event-log.js';
import { EventLogError } from '../../src/events/event-log-error.js';
import type { SandboxKeysFile } from '../../src/sandbox/sandbox-keys.js';
import { startGateway, type GatewayUnderTest, type StartGatewayOptions } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Issue 12 point 5: /readyz knows each provider account's credentials. The gateway checks them with
 * one signed, verified call per account at start and then periodically; a wrong key or serial takes
 * the instance out of rotation (503) within seconds of start, and the body names reasons, never a
 * URL, a key or a message.
 */

interface AccountState {
  state: 'ok' | 'failing' | 'pending';
  reason?: 'signature' | 'auth' | 'network';
}

interface Readiness {
  httpStatus: number;
  text: string;
  status: string;
  stores: { cache: string; eventLog: string };
  accounts: Record<string, AccountState>;
}

const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const OTHER_PUBLIC = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const OTHER_PRIVATE = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let sandboxes: Sandboxes;
const gateways: GatewayUnderTest[] = [];

beforeAll(async () => {
  sandboxes = await startSandboxes();
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await sandboxes?.close();
});

async function readyz(gateway: GatewayUnderTest): Promise<Readiness> {
  const response = await fetch(`${gateway.url}/readyz`);
  const text = await response.text();
  const body = JSON.parse(text) as { status: string; checks: { stores: Readiness['stores']; accounts: Readiness['accounts'] } };
  return { httpStatus: response.status, text, status: body.status, stores: body.checks.stores, accounts: body.checks.accounts };
}

/** Polls /readyz until `done` holds (the monitor works in the background); fails after the deadline. */
async function readyzUntil(gateway: GatewayUnderTest, done: (readiness: Readiness) => boolean, deadlineMs = 15_000): Promise<Readiness> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const readiness = await readyz(gateway);
    if (done(readiness)) return readiness;
    if (Date.now() > deadline) throw new Error(`/readyz did not get there within ${deadlineMs} ms: ${readiness.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function gatewayWith(keys: SandboxKeysFile, options: StartGatewayOptions = {}, over: Sandboxes = sandboxes): Promise<GatewayUnderTest> {
  const gateway = await startGateway({ ...over, keys }, options);
  gateways.push(gateway);
  return gateway;
}

const ofModule = (readiness: Readiness, slug: string): AccountState[] =>
  Object.entries(readiness.accounts)
    .filter(([id]) => id.startsWith(`${slug}/`))
    .map(([, state]) => state);

/** Nothing in the body an attacker or a log reader could use: no URL, host, key, serial or secret. */
function expectNoSecrets(readiness: Readiness, keys: SandboxKeysFile): void {
  const { text } = readiness;
  expect(text).not.toMatch(/https?:|127\.0\.0\.1|localhost|-----BEGIN|PUB_KEY_ID|message|error/i);
  const secrets = [
    ...(keys.wechatpay?.merchants ?? []).flatMap((merchant) => [merchant.serialNo, merchant.apiV3Key]),
    ...(keys.huishouqian?.merchants ?? []).map((merchant) => merchant.signKey),
    ...(keys.wechatpay?.platformCertificates ?? []).map((certificate) => certificate.serialNo),
  ];
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('/readyz and provider credentials', () => {
  it('is ready with good keys: every account ok, both stores ok, states only', async () => {
    const gateway = await gatewayWith(sandboxes.keys);
    const readiness = await readyz(gateway);
    expect(readiness.httpStatus).toBe(200);
    expect(readiness.status).toBe('ready');
    expect(readiness.stores).toEqual({ cache: 'ok', eventLog: 'ok' });
    const wechatpay = ofModule(readiness, 'wechatpay');
    const huishouqian = ofModule(readiness, 'huishouqian');
    expect(wechatpay.length).toBeGreaterThan(0);
    expect(huishouqian.length).toBeGreaterThan(0);
    expect([...wechatpay, ...huishouqian]).toEqual([...wechatpay, ...huishouqian].map(() => ({ state: 'ok' })));
    expectNoSecrets(readiness, sandboxes.keys);
    // The checks cost one call per WeChat Pay account (the signed 404 "no URL set" verifies; no list
    // budget is touched) and one query per Huishouqian merchant; probes read the states, calling nobody.
    await readyz(gateway);
    expect(sandboxes.wechatpay.stats()).toMatchObject({ getNotificationUrl: wechatpay.length, listComplaints: 0, getComplaint: 0 });
    expect(sandboxes.huishouqian.stats()['queryComplaints']).toBe(sandboxes.keys.huishouqian?.merchants.length);
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
  });

  const wechatpayKeys = (change: (keys: NonNullable<SandboxKeysFile['wechatpay']>) => NonNullable<SandboxKeysFile['wechatpay']>) => (): SandboxKeysFile => ({
    ...sandboxes.keys,
    wechatpay: change(sandboxes.keys.wechatpay ?? ({} as never)),
  });
  const huishouqianKeys =
    (change: (keys: NonNullable<SandboxKeysFile['huishouqian']>) => NonNullable<SandboxKeysFile['huishouqian']>) => (): SandboxKeysFile => ({
      ...sandboxes.keys,
      huishouqian: change(sandboxes.keys.huishouqian ?? ({} as never)),
    });

  it.each([
    ['a wrong WeChat Pay platform public key', 'wechatpay', 'signature', wechatpayKeys((keys) => ({ ...keys, platformPublicKeyPem: OTHER_PUBLIC }))],
    [
      'a wrong WeChat Pay platform public key id',
      'wechatpay',
      'signature',
      wechatpayKeys((keys) => ({ ...keys, platformPublicKeyId: 'PUB_KEY_ID_0000000000000000000000000000000000' })),
    ],
    [
      'a wrong merchant certificate serial',
      'wechatpay',
      'auth',
      wechatpayKeys((keys) => ({
        ...keys,
        merchants: keys.merchants.map((merchant) => ({ ...merchant, serialNo: '0123456789ABCDEF0123456789ABCDEF01234567' })),
      })),
    ],
    [
      'a wrong merchant private key',
      'wechatpay',
      'auth',
      wechatpayKeys((keys) => ({ ...keys, merchants: keys.merchants.map((merchant) => ({ ...merchant, privateKeyPem: OTHER_PRIVATE })) })),
    ],
    ['a wrong Huishouqian platform public key', 'huishouqian', 'signature', huishouqianKeys((keys) => ({ ...keys, platformPublicKeyPem: OTHER_PUBLIC }))],
    [
      'a wrong private key for one Huishouqian merchant',
      'huishouqian',
      'auth',
      huishouqianKeys((keys) => ({
        ...keys,
        merchants: keys.merchants.map((merchant, index) => (index === 0 ? { ...merchant, privateKeyPem: OTHER_PRIVATE } : merchant)),
      })),
    ],
  ] as const)('answers 503 for %s, naming the reason (%s → %s), within seconds of start', async (_, slug, reason, keysOf) => {
    const keys = keysOf();
    const gateway = await gatewayWith(keys);
    const readiness = await readyzUntil(gateway, (r) => ofModule(r, slug).every((account) => account.state === 'failing'));
    expect(readiness.httpStatus).toBe(503);
    expect(readiness.status).toBe('not ready');
    expect(ofModule(readiness, slug)).toEqual(ofModule(readiness, slug).map(() => ({ state: 'failing', reason })));
    // The other provider's accounts are unaffected.
    const otherSlug = slug === 'wechatpay' ? 'huishouqian' : 'wechatpay';
    expect(ofModule(readiness, otherSlug).every((account) => account.state === 'ok')).toBe(true);
    expectNoSecrets(readiness, keys);
    // Liveness is not readiness: the process is fine.
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('is not ready while the event log fails its check, whatever the providers say', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'readiness-'));
    try {
      const real = await createEventLog({ store: 'sqlite', path: join(dir, 'events.sqlite') });
      const failing: EventLog = { ...real, check: () => Promise.reject(new EventLogError('injected: the event log store failed')) };
      const gateway = await gatewayWith(sandboxes.keys, { eventLog: failing });
      const readiness = await readyz(gateway);
      expect(readiness.httpStatus).toBe(503);
      expect(readiness.status).toBe('not ready');
      expect(readiness.stores).toEqual({ cache: 'ok', eventLog: 'failing' });
      expect(Object.values(readiness.accounts).every((account) => account.state === 'ok')).toBe(true);
      expectNoSecrets(readiness, sandboxes.keys);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('/readyz when a provider goes away', () => {
  let own: Sandboxes;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    own = await startSandboxes();
    // Not much shorter: the checks count against the account's budgets like any call (WeChat Pay's
    // notificationUrl budget allows 8 calls per 10 s window), so faster checks would queue for it.
    gateway = await startGateway(own, { credentialsCheck: { intervalMs: 1_500 } });
  });

  afterAll(async () => {
    await gateway?.close();
    // The test stops them; after a failure it may not have got that far.
    await Promise.allSettled([own?.wechatpay.close(), own?.huishouqian.close()]);
  });

  it('degrades (200) with reason network for the stopped provider, and is not ready once none is reachable', async () => {
    expect((await readyz(gateway)).status).toBe('ready');
    await own.huishouqian.close();
    const degraded = await readyzUntil(gateway, (r) => ofModule(r, 'huishouqian').every((account) => account.state === 'failing'));
    expect(degraded.httpStatus).toBe(200);
    expect(degraded.status).toBe('degraded');
    expect(ofModule(degraded, 'huishouqian')).toEqual(ofModule(degraded, 'huishouqian').map(() => ({ state: 'failing', reason: 'network' })));
    expect(ofModule(degraded, 'wechatpay').every((account) => account.state === 'ok')).toBe(true);
    expectNoSecrets(degraded, own.keys);

    await own.wechatpay.close();
    const down = await readyzUntil(gateway, (r) => Object.values(r.accounts).every((account) => account.state === 'failing'));
    expect(down.httpStatus).toBe(503);
    expect(down.status).toBe('not ready');
    expect(Object.values(down.accounts)).toEqual(Object.values(down.accounts).map(() => ({ state: 'failing', reason: 'network' })));
  });
});
