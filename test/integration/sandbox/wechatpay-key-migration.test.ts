import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { ForbiddenError } from '../../../src/domain/errors.js';
import { createWechatPayAccount, type WechatPayAccountOptions } from '../../../src/providers/wechatpay/account.js';
import type { WechatPaySandboxMerchant } from '../../../src/sandbox/sandbox-keys.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../../src/sandbox/wechatpay/server.js';
import { sharedSandboxKeyrings } from '../../helpers/shared-keyrings.js';
import { wechatPayAccountsFromKeys } from '../../helpers/wechatpay-account.js';

/*
 * An account migrating from platform certificates to the platform public key (spec 5.2) has both:
 * an answer to a request naming no Wechatpay-Serial comes signed with its newest certificate, and
 * notifications come signed by either kind. Checked with wechatpay-axios-plugin (which sends no
 * Wechatpay-Serial) and with the gateway's own receiver, configured with one kind or with both.
 */

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface PluginAnswer {
  headers: Record<string, string>;
  data: { data?: unknown[] };
}

const NOTIFICATIONS = 4;
let sandbox: WechatPaySandbox;
let merchant: WechatPaySandboxMerchant;
let account: WechatPayAccountOptions;
let receiver: Server;
const deliveries: Delivery[] = [];

function beijingDay(offsetDays: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, migrating: true, notificationTimeScale: 0.001 });
  merchant = sandbox.keys.merchants.find((candidate) => candidate.kind === 'direct') as WechatPaySandboxMerchant;
  account = wechatPayAccountsFromKeys(sandbox.keys).find((options) => options.mchid === merchant.mchid) as WechatPayAccountOptions;
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wechatpay/${merchant.mchid}`;
  await createWechatPayAccount(account).providers[0]?.createNotificationUrl(url);
  for (let i = 0; i < NOTIFICATIONS; i++) {
    const response = await fetch(`${sandbox.baseUrl}/sandbox/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mchid: merchant.mchid }),
    });
    expect(response.status).toBe(201);
  }
  for (let attempt = 0; attempt < 200 && deliveries.length < NOTIFICATIONS; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => (receiver === undefined ? resolve() : receiver.close(() => resolve())));
});

describe('an account migrating from platform certificates to the public key', () => {
  it('signs an answer to a request that names no Wechatpay-Serial with its newest certificate', async () => {
    // The plugin names no serial, and trusts only the certificates here: the answer must verify against one.
    const certs = Object.fromEntries(sandbox.keys.platformCertificates.map((certificate) => [certificate.serialNo, certificate.certificatePem]));
    const wxpay = new Wechatpay({
      mchid: merchant.mchid,
      serial: merchant.serialNo,
      privateKey: merchant.privateKeyPem,
      certs,
      baseURL: `${sandbox.baseUrl}/`,
    });
    const list = (await (
      wxpay as unknown as { v3: { merchantService: { complaintsV2: { get(config: unknown): Promise<PluginAnswer> } } } }
    ).v3.merchantService.complaintsV2.get({
      params: { limit: 5, offset: 0, begin_date: beijingDay(-29), end_date: beijingDay(0) },
    })) as PluginAnswer;
    expect(Object.keys(certs)).toContain(list.headers['wechatpay-serial']);
    expect(list.data.data?.length).toBeGreaterThan(0);
  });

  it('still answers a client that asks for the public key with the public key', async () => {
    const publicKeyOnly = createWechatPayAccount({ ...account, platformCertificates: [] }).providers[0];
    const page = await publicKeyOnly?.listComplaints({ from: beijingDay(-29), to: beijingDay(0), limit: 5, offset: 0 });
    expect(page?.complaints.length).toBeGreaterThan(0);
  });

  it('sends notifications signed by either kind; a receiver trusting both accepts all, one trusting a single kind refuses the others', async () => {
    expect(deliveries).toHaveLength(NOTIFICATIONS);
    const serials = deliveries.map((delivery) => String(delivery.headers['wechatpay-serial']));
    expect(serials.some((serial) => serial.startsWith('PUB_KEY_ID_'))).toBe(true);
    expect(serials.some((serial) => !serial.startsWith('PUB_KEY_ID_'))).toBe(true);

    const receive = (options: WechatPayAccountOptions, delivery: Delivery) =>
      createWechatPayAccount(options)
        .notifications.receive({ headers: delivery.headers as Record<string, string>, body: delivery.body })
        .then(
          () => 'accepted',
          (error: unknown) => (error instanceof ForbiddenError ? 'refused' : `failed: ${String(error)}`),
        );
    const both = await Promise.all(deliveries.map((delivery) => receive(account, delivery)));
    expect(both).toEqual(deliveries.map(() => 'accepted'));
    const keyOnly = await Promise.all(deliveries.map((delivery) => receive({ ...account, platformCertificates: [] }, delivery)));
    expect(keyOnly).toEqual(serials.map((serial) => (serial.startsWith('PUB_KEY_ID_') ? 'accepted' : 'refused')));
  });
});
