import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aes, Formatter, Multipart, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatPaySandboxMerchant } from '../../../src/sandbox/sandbox-keys.js';
import { createPng } from '../../../src/sandbox/wechatpay/images.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../../src/sandbox/wechatpay/server.js';
import { seed002ImmediateReplyBody } from '../../fixtures/wechatpay-seed-002.js';
import { sharedSandboxKeyrings } from '../../helpers/shared-keyrings.js';

// wechatpay-axios-plugin is an APIv3 client nobody here wrote: its own `Wechatpay` client signs every
// request, sends its own headers (its User-Agent, its Accept list, `application/json; charset=utf-8`,
// a FormData-style multipart) and verifies every signed answer with its own verifier, which throws on
// a bad or missing signature. Driving the sandbox through every endpoint with it, in both key modes,
// checks the sandbox against an independent reading of the protocol, not against our own client.

type KeyMode = 'public-key' | 'certificate';

/** The plugin's client is a Proxy whose chain is built from property names; this is the part we use. */
interface Chain {
  get(config?: Record<string, unknown>): Promise<PluginAnswer>;
  delete(config?: Record<string, unknown>): Promise<PluginAnswer>;
  post(data?: unknown, config?: Record<string, unknown>): Promise<PluginAnswer>;
  put(data?: unknown, config?: Record<string, unknown>): Promise<PluginAnswer>;
  [segment: string]: unknown;
}

interface PluginAnswer {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

/** Follows a path of chained property names (`complaintsV2`, `_complaint_id_`, ...) on the plugin's client. */
function chain(client: unknown, ...segments: string[]): Chain {
  return segments.reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], client) as Chain;
}

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

function beijingDay(offsetDays: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe.each<KeyMode>(['public-key', 'certificate'])('wechatpay-axios-plugin against the sandbox, %s mode', (keyMode) => {
  let sandbox: WechatPaySandbox;
  let merchant: WechatPaySandboxMerchant;
  /** The plugin's own `{serial: key}` table, as a merchant configures it for this key mode. */
  let certs: Record<string, string>;
  let wxpay: unknown;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, keyMode, notificationTimeScale: 0.001 });
    merchant = sandbox.keys.merchants.find((candidate) => candidate.kind === 'direct') as WechatPaySandboxMerchant;
    // Public-key mode: the PUB_KEY_ID_ and its PEM. Certificate mode: every platform certificate by
    // serial, the PEM certificate itself (the plugin turns it into a public key).
    certs =
      keyMode === 'public-key'
        ? { [sandbox.keys.platformPublicKeyId]: sandbox.keys.platformPublicKeyPem }
        : Object.fromEntries(sandbox.keys.platformCertificates.map((certificate) => [certificate.serialNo, certificate.certificatePem]));
    wxpay = new Wechatpay({ mchid: merchant.mchid, serial: merchant.serialNo, privateKey: merchant.privateKeyPem, certs, baseURL: `${sandbox.baseUrl}/` });
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204);
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wechatpay`;
  });

  afterAll(async () => {
    await sandbox?.close();
    await new Promise<void>((resolve) => (receiver === undefined ? resolve() : receiver.close(() => resolve())));
  });

  const complaints = (): Chain => chain(wxpay, 'v3', 'merchantService', 'complaintsV2');
  const complaint = (...rest: string[]): Chain => chain(wxpay, 'v3', 'merchantService', 'complaintsV2', '_complaint_id_', ...rest);
  const notificationUrl = (): Chain => chain(wxpay, 'v3', 'merchantService', 'complaintNotifications');

  /** A complaint made through the sandbox's loopback control API (the part no client calls). */
  async function fileComplaint(fields: Record<string, unknown> = {}): Promise<string> {
    const response = await fetch(`${sandbox.baseUrl}/sandbox/complaints`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mchid: merchant.mchid, ...fields }),
    });
    expect(response.status).toBe(201);
    return String(((await response.json()) as { complaint_id: string }).complaint_id);
  }

  /** The serial the answer was signed with is one the plugin was configured with: it verified against it. */
  function signedByConfiguredKey(answer: PluginAnswer): void {
    const serial = answer.headers['wechatpay-serial'] ?? '';
    expect(Object.keys(certs)).toContain(serial);
    expect(serial.startsWith('PUB_KEY_ID_')).toBe(keyMode === 'public-key');
  }

  it('lists, reads the detail and pages the history, every answer verified by the plugin', async () => {
    const list = await complaints().get({ params: { limit: 5, offset: 0, begin_date: beijingDay(-29), end_date: beijingDay(0) } });
    expect(list.status).toBe(200);
    signedByConfiguredKey(list);
    const page = list.data as { data: { complaint_id: string }[]; limit: number; offset: number; total_count: number };
    expect(page).toMatchObject({ limit: 5, offset: 0 });
    expect(page.data.length).toBeGreaterThan(0);
    const id = page.data[0]?.complaint_id ?? '';
    const detail = await complaint().get({ complaint_id: id });
    expect(detail.status).toBe(200);
    signedByConfiguredKey(detail);
    expect((detail.data as { complaint_id: string; payer_openid: string }).complaint_id).toBe(id);
    expect((detail.data as { payer_openid: string }).payer_openid).toBeTruthy();
    const history = await complaint('negotiationHistorys').get({ complaint_id: id, params: { limit: 300, offset: 0 } });
    expect(history.status).toBe(200);
    signedByConfiguredKey(history);
    expect((history.data as { limit: number; data: unknown[] }).limit).toBe(300);
  });

  it("refuses, with the plugin's own verifier, an answer whose signature the sandbox was told to spoil", async () => {
    const id = await fileComplaint();
    const fault = await fetch(`${sandbox.baseUrl}/sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ endpoint: 'getComplaint', kind: 'tamper-signature', count: 1 }),
    });
    expect(fault.status).toBe(201);
    await expect(complaint().get({ complaint_id: id })).rejects.toMatchObject({ code: 'EV3_RES_HEADER_SIGNATURE_DIGEST' });
    expect((await complaint().get({ complaint_id: id })).status).toBe(200);
  });

  it('uploads with its Multipart, replies with the image, completes, and downloads the image unsigned', async () => {
    const png = createPng(7);
    const meta = { filename: 'evidence.png', sha256: createHash('sha256').update(png).digest('hex') };
    // The plugin's documented upload: meta as a plain text field, the file with its filename; the
    // signature covers JSON.stringify(meta), which must be the meta part byte for byte.
    const form = new Multipart();
    form.append('meta', JSON.stringify(meta));
    form.append('file', png, meta.filename);
    const uploaded = await chain(wxpay, 'v3', 'merchantService', 'images', 'upload').post(form, { meta, headers: form.getHeaders() });
    expect(uploaded.status).toBe(200);
    signedByConfiguredKey(uploaded);
    const mediaId = (uploaded.data as { media_id: string }).media_id;
    expect(mediaId).toBeTruthy();

    const id = await fileComplaint();
    const replied = await complaint('response').post(
      { complainted_mchid: merchant.mchid, response_content: '您好，已为您处理，详见图片', response_images: [mediaId] },
      { complaint_id: id },
    );
    expect(replied.status).toBe(204);
    signedByConfiguredKey(replied);

    const detail = await complaint().get({ complaint_id: id });
    const info = detail.data as { complaint_state: string; complaint_media_list: { media_type: string; media_url: string[] }[] };
    expect(info.complaint_state).toBe('PROCESSING');
    const mediaUrl = info.complaint_media_list.find((entry) => entry.media_type === 'OPERATION_IMAGE')?.media_url[0] ?? '';
    // The media URL's last segment, still percent-encoded: the plugin signs the path as it sends it.
    const downloadId = new URL(mediaUrl).pathname.split('/').at(-1) ?? '';
    const image = await chain(wxpay, 'v3', 'merchantService', 'images', '_media_id_').get({ media_id: downloadId, responseType: 'arraybuffer' });
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    // Unsigned (spec 3.10): the plugin exempts /v3/merchant-service/images/* from verification.
    expect(image.headers['wechatpay-signature']).toBeUndefined();
    expect(Buffer.from(image.data as ArrayBuffer).equals(png)).toBe(true);

    const completed = await complaint('complete').post({ complainted_mchid: merchant.mchid }, { complaint_id: id });
    expect(completed.status).toBe(204);
    signedByConfiguredKey(completed);
    expect(((await complaint().get({ complaint_id: id })).data as { complaint_state: string }).complaint_state).toBe('PROCESSED');
  });

  it('approves a refund with and without launch_refund_day', async () => {
    for (const body of [{ action: 'APPROVE', launch_refund_day: 0 }, { action: 'APPROVE' }]) {
      const id = await fileComplaint({ problem_type: 'REFUND' });
      const approved = await complaint('updateRefundProgress').post(body, { complaint_id: id });
      expect(approved.status).toBe(204);
      signedByConfiguredKey(approved);
    }
  });

  it("answers the immediate-service reply with seed 002's request body verbatim", async () => {
    const id = await fileComplaint({ need_immediate_service: true });
    const answer = await complaint('responseImmediateService').post(seed002ImmediateReplyBody(merchant.mchid), { complaint_id: id });
    expect(answer.status).toBe(200);
    signedByConfiguredKey(answer);
    const logId = (answer.data as { log_id: string }).log_id;
    expect(logId).toBeTruthy();
    // Same idempotent_id (the seed's UUID): the same log_id, processed once.
    const again = await complaint('responseImmediateService').post(seed002ImmediateReplyBody(merchant.mchid), { complaint_id: id });
    expect((again.data as { log_id: string }).log_id).toBe(logId);
  });

  it('creates, queries, updates and deletes the notification URL, then verifies and decrypts a delivered notification with its Aes', async () => {
    const created = await notificationUrl().post({ url: 'https://example.com/notify' });
    expect(created.status).toBe(200);
    signedByConfiguredKey(created);
    expect(created.data).toEqual({ mchid: merchant.mchid, url: 'https://example.com/notify' });
    const queried = await notificationUrl().get();
    signedByConfiguredKey(queried);
    expect((queried.data as { url: string }).url).toBe('https://example.com/notify');
    const deleted = await notificationUrl().delete();
    expect(deleted.status).toBe(204);
    signedByConfiguredKey(deleted);
    await expect(notificationUrl().get()).rejects.toMatchObject({ response: { status: 404 } });

    await notificationUrl().post({ url: 'https://example.com/first' });
    const updated = await notificationUrl().put({ url: receiverUrl });
    expect(updated.status).toBe(200);
    signedByConfiguredKey(updated);
    expect((updated.data as { url: string }).url).toBe(receiverUrl);

    deliveries.length = 0;
    const id = await fileComplaint();
    for (let i = 0; i < 400 && deliveries.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const [delivery] = deliveries;
    expect(delivery).toBeDefined();
    const headers = delivery?.headers ?? {};
    const serial = String(headers['wechatpay-serial']);
    const key = certs[serial];
    expect(key).toBeDefined();
    const message = Formatter.response(String(headers['wechatpay-timestamp']), String(headers['wechatpay-nonce']), delivery?.body ?? '');
    expect(Rsa.verify(message, String(headers['wechatpay-signature']), Rsa.from(key ?? '', Rsa.KEY_TYPE_PUBLIC))).toBe(true);
    const envelope = JSON.parse(delivery?.body ?? '{}') as {
      event_type: string;
      resource: { algorithm: string; ciphertext: string; nonce: string; associated_data: string };
    };
    expect(envelope.event_type).toBe('COMPLAINT.CREATE');
    expect(envelope.resource.algorithm).toBe('AEAD_AES_256_GCM');
    const plaintext = Aes.AesGcm.decrypt(envelope.resource.ciphertext, merchant.apiV3Key, envelope.resource.nonce, envelope.resource.associated_data);
    expect(JSON.parse(plaintext)).toEqual({ complaint_id: id, action_type: 'CREATE_COMPLAINT' });
    await notificationUrl().delete();
  });
});
