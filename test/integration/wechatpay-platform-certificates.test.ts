import { createCipheriv, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, ProviderError } from '../../src/domain/errors.js';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { systemClock } from '../../src/providers/http/clock.js';
import { createWechatPayAccount, type WechatPayAccount, type WechatPayAccountOptions } from '../../src/providers/wechatpay/account.js';
import { signatureHeaders } from '../../src/sandbox/wechatpay/response-signing.js';
import { createSelfSignedCertificate } from '../../src/sandbox/wechatpay/self-signed-certificate.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';
import { wechatPayAccountsFromKeys } from '../helpers/wechatpay-account.js';

// Certificate mode end to end over HTTP: the gateway's account downloads the platform certificates,
// the sandbox rotates, and the account follows; a forged download never changes what it trusts.

let sandbox: WechatPaySandbox;
let proxy: Server;
let proxyUrl: string;
let recorder: Server;
let recorderUrl: string;
/** Set: the proxy answers /v3/certificates itself with this forged answer instead of the sandbox's. */
let forged: { headers: Record<string, string>; body: Buffer } | null = null;
/** The serial the sandbox signed each answer with, by path, as seen on the wire. */
const signedWith: { path: string; serial: string }[] = [];
const notifications: { headers: Record<string, string | undefined>; body: Buffer }[] = [];
const accounts: WechatPayAccount[] = [];

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function lastSerial(path: string): string | undefined {
  return signedWith.filter((entry) => entry.path.startsWith(path)).at(-1)?.serial;
}

async function control(path: string, body: unknown = {}): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function directOptions(): WechatPayAccountOptions {
  const direct = sandbox.keys.merchants.find((merchant) => merchant.kind === 'direct');
  const options = wechatPayAccountsFromKeys(sandbox.keys).find((account) => account.mchid === direct?.mchid);
  if (options === undefined) throw new Error('the sandbox has no direct merchant');
  return { ...options, baseUrl: proxyUrl };
}

function account(options: WechatPayAccountOptions): WechatPayAccount {
  // A long period: these tests trigger refreshes themselves.
  const created = createWechatPayAccount({ ...options, downloadPlatformCertificates: true, certificateRefreshMs: 3_600_000 });
  accounts.push(created);
  return created;
}

async function nextNotification(): Promise<{ headers: Record<string, string | undefined>; body: Buffer }> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const next = notifications.shift();
    if (next !== undefined) return next;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no notification arrived');
}

/** A download answer listing a certificate of the forger's own, signed with its key: it can only vouch for itself. */
function forgeDownload(apiV3Key: string, claimedSerial?: string): { headers: Record<string, string>; body: Buffer } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const rogue = createSelfSignedCertificate({
    ...pair,
    commonName: 'Tenpay.com sign',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
  });
  const nonce = systemClock.nonce(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from('certificate'));
  const ciphertext = Buffer.concat([cipher.update(rogue.pem, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  const body = Buffer.from(
    JSON.stringify({
      data: [
        {
          serial_no: rogue.serialNo,
          effective_time: '',
          expire_time: '',
          encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: 'certificate', ciphertext },
        },
      ],
    }),
  );
  const headers = signatureHeaders(body, { serial: claimedSerial ?? rogue.serialNo, privateKey: pair.privateKey }, systemClock);
  return { headers: { ...headers, 'content-type': 'application/json' }, body };
}

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, keyMode: 'certificate', notificationTimeScale: 0.001 });
  // Stands between the gateway and the sandbox: records who signed each answer, and can forge one.
  proxy = createServer((request, response) => {
    void (async () => {
      const body = await readAll(request);
      const path = request.url ?? '/';
      if (forged !== null && path.startsWith('/v3/certificates')) {
        response.writeHead(200, forged.headers).end(forged.body);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
      }
      const method = request.method ?? 'GET';
      const upstream = await fetch(`${sandbox.baseUrl}${path}`, { method, headers, ...(body.length > 0 ? { body: new Uint8Array(body) } : {}) });
      const answer = Buffer.from(await upstream.arrayBuffer());
      const serial = upstream.headers.get('wechatpay-serial');
      if (serial !== null) signedWith.push({ path, serial });
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name)) out[name] = value;
      });
      response.writeHead(upstream.status, out).end(answer);
    })().catch(() => response.destroy());
  });
  proxyUrl = await listen(proxy);
  recorder = createServer((request, response) => {
    void readAll(request).then((body) => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      notifications.push({ headers, body });
      response.writeHead(204).end();
    });
  });
  recorderUrl = await listen(recorder);
});

afterAll(async () => {
  await Promise.all(accounts.map((created) => created.close()));
  await sandbox.close();
  await Promise.all([proxy, recorder].map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('WeChat Pay platform certificates (certificate mode)', () => {
  const today = beijingToday(new Date());
  const window = { from: addDays(today, -29), to: today };

  it('trusts a first download through a configured public key alone', async () => {
    const created = account({ ...directOptions(), platformCertificates: [] });
    expect(created.platformCertificates.current()).toEqual([]);
    const downloaded = await created.platformCertificates.refresh();
    // Both sandbox certificates, newest first; the answer that carried them was signed with the public key.
    expect(downloaded.map((certificate) => certificate.serialNo)).toEqual(sandbox.keys.platformCertificates.map((certificate) => certificate.serialNo));
    expect(lastSerial('/v3/certificates')).toBe(sandbox.keys.platformPublicKeyId);
  });

  it('follows a rotation: downloads, verifies with the new certificate, and refuses forged downloads', async () => {
    const [newest, older] = sandbox.keys.platformCertificates;
    if (newest === undefined || older === undefined) throw new Error('the sandbox lists two certificates');
    // Configured with the older certificate only, no public key: the download must verify with it.
    const options = { ...directOptions(), platformPublicKeys: [], platformCertificates: directOptions().platformCertificates.slice(1) };
    const created = account(options);
    const provider = created.providers[0];
    if (provider === undefined) throw new Error('no provider');
    await created.platformCertificates.refresh();
    expect(lastSerial('/v3/certificates')).toBe(older.serialNo);
    expect(created.platformCertificates.newestSerial()).toBe(newest.serialNo);
    await provider.listComplaints({ ...window, limit: 5, offset: 0 });
    expect(lastSerial('/v3/merchant-service/complaints-v2')).toBe(newest.serialNo);
    await provider.createNotificationUrl(`${recorderUrl}/webhook`);

    const rotated = await control('/sandbox/certificates/rotate');
    expect(rotated.status).toBe(201);
    const issued = (await rotated.json()) as { serial_no: string };

    // Notifications switch at once; the account does not know the new certificate yet.
    expect((await control('/sandbox/complaints', { mchid: provider.merchant.merchantNo })).status).toBe(201);
    const notification = await nextNotification();
    expect(notification.headers['wechatpay-serial']).toBe(issued.serial_no);
    await expect(created.notifications.receive(notification)).rejects.toBeInstanceOf(ForbiddenError);
    // Answers to a caller that names a certificate still listed keep that one (the overlap).
    await provider.listComplaints({ ...window, limit: 5, offset: 0 });
    expect(lastSerial('/v3/merchant-service/complaints-v2')).toBe(newest.serialNo);

    // A forged download (its own certificate, signed with that certificate's key) is refused...
    forged = forgeDownload(options.apiV3Key);
    await expect(created.platformCertificates.refresh()).rejects.toMatchObject({ providerCode: 'UNKNOWN_SERIAL' });
    // ...and so is one whose signature claims a trusted serial; the trusted set stays as it was.
    forged = forgeDownload(options.apiV3Key, newest.serialNo);
    await expect(created.platformCertificates.refresh()).rejects.toBeInstanceOf(ProviderError);
    await expect(created.platformCertificates.refresh()).rejects.toMatchObject({ providerCode: 'SIGNATURE_MISMATCH' });
    forged = null;
    expect(created.platformCertificates.current().map((certificate) => certificate.serialNo)).toEqual([newest.serialNo, older.serialNo]);

    // The refresh: verified with a certificate trusted before it, it brings the new one; the old stay.
    const refreshed = await created.platformCertificates.refresh();
    expect(lastSerial('/v3/certificates')).toBe(newest.serialNo);
    expect(refreshed.map((certificate) => certificate.serialNo)).toEqual([issued.serial_no, newest.serialNo, older.serialNo]);
    expect(created.platformCertificates.newestSerial()).toBe(issued.serial_no);
    await provider.listComplaints({ ...window, limit: 5, offset: 0 });
    expect(lastSerial('/v3/merchant-service/complaints-v2')).toBe(issued.serial_no);
    // The notification refused before now verifies (WeChat redelivers it within its window).
    const received = await created.notifications.receive(notification);
    expect(received.events).toHaveLength(1);
  });
});
