import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capability } from '../../src/domain/capability.js';
import { GatewayError, NotFoundError, UnsupportedError, ValidationError } from '../../src/domain/errors.js';
import { createEventLog, type EventLog } from '../../src/events/event-log.js';
import type { ComplaintProvider, IncomingNotification, ListComplaintsQuery, NotificationReceiver } from '../../src/providers/provider.js';

/**
 * What every provider adapter promises (src/providers/provider.ts), run once per adapter against
 * its sandbox, keyv-style. `setup` gives a provider whose merchant has complaints in every state
 * inside `window`, plus a way to count calls that reached the provider.
 */
export interface ContractSetup {
  provider: ComplaintProvider;
  window: Pick<ListComplaintsQuery, 'from' | 'to'>;
  upstreamCalls(): number;
  /** A provider for the same merchant with `capability` switched off. */
  withoutCapability(capability: Capability): ComplaintProvider;
  /** The account's notification receiver (the one the webhook of `provider`'s account uses). */
  receiver: NotificationReceiver;
  /** Points the sandbox's notifications for `provider`'s merchant at `url` (its API or its control API). */
  sendNotificationsTo(url: string): Promise<void>;
  /** A user files a complaint against `provider`'s merchant at the sandbox (which then notifies); returns its id. */
  fileComplaint(): Promise<string>;
  /** The delivery with its signed content changed after signing, as a forger would send it. */
  forge(notification: IncomingNotification): IncomingNotification;
}

// The smallest PNG header the providers' type checks accept.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Stands where the gateway's webhook would: keeps every delivery, acknowledges as both providers expect. */
async function startRecorder(): Promise<{ url: string; deliveries: IncomingNotification[]; server: Server }> {
  const deliveries: IncomingNotification[] = [];
  const headersOf = (incoming: IncomingHttpHeaders): Record<string, string> =>
    Object.fromEntries(Object.entries(incoming).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: headersOf(request.headers), body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, deliveries, server };
}

export function complaintProviderSuite(name: string, setup: () => ContractSetup): void {
  describe(`${name} honours the ComplaintProvider contract`, () => {
    const page = async (provider: ComplaintProvider, window: ContractSetup['window'], limit: number) =>
      provider.listComplaints({ ...window, limit, offset: 0 });

    it('lists newest first, and every complaint is the merchant’s own', async () => {
      const { provider, window } = setup();
      const { complaints } = await page(provider, window, Math.min(20, provider.limits.maxListPageSize));
      expect(complaints.length).toBeGreaterThan(0);
      for (const complaint of complaints)
        expect(complaint.key).toMatchObject({ provider: provider.merchant.provider, merchantNo: provider.merchant.merchantNo });
      const times = complaints.map((c) => Date.parse(c.complainedAt));
      expect(times.every((t) => Number.isFinite(t))).toBe(true);
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('pages without gaps or duplicates', async () => {
      const { provider, window } = setup();
      const whole = await page(provider, window, provider.limits.maxListPageSize);
      const ids: string[] = [];
      for (let offset = 0; offset < whole.complaints.length; offset += 7) {
        const part = await provider.listComplaints({ ...window, limit: 7, offset });
        ids.push(...part.complaints.map((c) => c.key.complaintId));
      }
      expect(ids).toEqual(whole.complaints.map((c) => c.key.complaintId));
    });

    it('gives the detail of a listed complaint and NotFoundError for an unknown one', async () => {
      const { provider, window } = setup();
      const [first] = (await page(provider, window, 5)).complaints;
      if (!first) throw new Error('the sandbox seed has no complaint in the window');
      const detail = await provider.getComplaint(first.key.complaintId);
      expect(detail.key).toEqual(first.key);
      expect(detail.state.value).toBe(first.state.value);
      await expect(provider.getComplaint('999999999999999999999999998')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('moves a pending complaint to PROCESSING on reply and to PROCESSED on complete, with history', async () => {
      const { provider, window } = setup();
      const pending = (await page(provider, window, provider.limits.maxListPageSize)).complaints.find((c) => c.state.value === 'PENDING');
      if (!pending) throw new Error('the sandbox seed has no pending complaint in the window');
      const id = pending.key.complaintId;
      await provider.reply(id, { text: '您好，我们已收到您的反馈，正在处理。', imageMediaIds: [], jumpUrl: null, miniProgram: null });
      expect((await provider.getComplaint(id)).state.value).toBe('PROCESSING');
      await provider.complete(id);
      expect((await provider.getComplaint(id)).state.value).toBe('PROCESSED');
      const history = await provider.getNegotiationHistory(id, { limit: 50, offset: 0 });
      expect(history.entries.length).toBeGreaterThanOrEqual(2);
    });

    it('refuses bad input with ValidationError before calling the provider', async () => {
      const { provider, window, upstreamCalls } = setup();
      const before = upstreamCalls();
      await expect(provider.listComplaints({ ...window, limit: provider.limits.maxListPageSize + 1, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(provider.listComplaints({ ...window, limit: 1, offset: -1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(provider.listComplaints({ from: window.to, to: window.from, limit: 1, offset: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(provider.getComplaint('')).rejects.toBeInstanceOf(ValidationError);
      await expect(
        provider.reply('1', { text: 'x'.repeat(provider.limits.maxReplyLength + 1), imageMediaIds: [], jumpUrl: null, miniProgram: null }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(upstreamCalls()).toBe(before);
    });

    it('throws UnsupportedError naming a switched-off capability, before calling', async () => {
      const { upstreamCalls, withoutCapability } = setup();
      const before = upstreamCalls();
      const error = await withoutCapability('REPLY')
        .reply('1', { text: 'hello', imageMediaIds: [], jumpUrl: null, miniProgram: null })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as UnsupportedError).capability).toBe('REPLY');
      expect(upstreamCalls()).toBe(before);
    });

    /** `call` throws UnsupportedError naming `capability` and reaches nothing upstream. */
    const expectUnsupported = async (capability: Capability, call: () => Promise<unknown>): Promise<void> => {
      const { upstreamCalls } = setup();
      const before = upstreamCalls();
      const error = await call().then(
        () => new Error('expected UnsupportedError'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as UnsupportedError).capability).toBe(capability);
      expect(upstreamCalls()).toBe(before);
    };
    const offers = (capability: Capability): boolean => setup().provider.merchant.capabilities.includes(capability);

    it('uploads an image and downloads it back from the history of a reply that carried it (or refuses both as unsupported)', async () => {
      const { provider, window } = setup();
      if (!offers('IMAGE_UPLOAD')) {
        await expectUnsupported('IMAGE_UPLOAD', () => provider.uploadImage({ filename: 'a.png', bytes: PNG }));
        return;
      }
      const { mediaId } = await provider.uploadImage({ filename: 'a.png', bytes: PNG });
      expect(mediaId).not.toBe('');
      await expect(provider.uploadImage({ filename: 'a.png', bytes: Buffer.from('not an image') })).rejects.toBeInstanceOf(ValidationError);
      const target = (await page(provider, window, provider.limits.maxListPageSize)).complaints.find((c) => c.state.value !== 'PROCESSED');
      if (!target) throw new Error('the sandbox seed has no open complaint in the window');
      await provider.reply(target.key.complaintId, { text: '请查看附图。', imageMediaIds: [mediaId], jumpUrl: null, miniProgram: null });
      const history = await provider.getNegotiationHistory(target.key.complaintId, { limit: 50, offset: 0 });
      const url = history.entries.flatMap((entry) => entry.images).at(-1);
      if (url === undefined) throw new Error('the reply carried no image into the history');
      // A history image, marked as one: WeChat Pay fetches these public URLs unsigned (spec 2.2).
      const media = { url, complaintId: target.key.complaintId, source: 'HISTORY_IMAGE' as const };
      if (!offers('IMAGE_DOWNLOAD')) {
        await expectUnsupported('IMAGE_DOWNLOAD', () => provider.downloadMedia(media));
        return;
      }
      const download = await provider.downloadMedia(media);
      expect(download.contentType).toBe('image/png');
      expect(await bytesOf(download.body)).toEqual(PNG);
    });

    it('throws UnsupportedError for switched-off image upload and download, before calling', async () => {
      const { withoutCapability } = setup();
      await expectUnsupported('IMAGE_UPLOAD', () => withoutCapability('IMAGE_UPLOAD').uploadImage({ filename: 'a.png', bytes: PNG }));
      await expectUnsupported('IMAGE_DOWNLOAD', () =>
        withoutCapability('IMAGE_DOWNLOAD').downloadMedia({ url: 'https://example.invalid/a.png', complaintId: '1' }),
      );
    });

    it('creates, reads, updates and deletes the notification URL (or refuses each as unsupported)', async () => {
      const { provider } = setup();
      const first = 'https://gateway.example.com/webhooks/contract/a';
      const second = 'https://gateway.example.com/webhooks/contract/b';
      if (!offers('NOTIFICATION_URL')) {
        for (const call of [
          () => provider.getNotificationUrl(),
          () => provider.createNotificationUrl(first),
          () => provider.updateNotificationUrl(second),
          () => provider.deleteNotificationUrl(),
        ]) {
          await expectUnsupported('NOTIFICATION_URL', call);
        }
        return;
      }
      if ((await provider.getNotificationUrl()) !== null) await provider.deleteNotificationUrl();
      expect(await provider.getNotificationUrl()).toBeNull();
      expect(await provider.createNotificationUrl(first)).toBe(first);
      expect(await provider.getNotificationUrl()).toBe(first);
      expect(await provider.updateNotificationUrl(second)).toBe(second);
      expect(await provider.getNotificationUrl()).toBe(second);
      await provider.deleteNotificationUrl();
      expect(await provider.getNotificationUrl()).toBeNull();
      await expectUnsupported('NOTIFICATION_URL', () => setup().withoutCapability('NOTIFICATION_URL').getNotificationUrl());
    });

    describe('notification receiver', () => {
      let recorder: Awaited<ReturnType<typeof startRecorder>>;
      let dir: string;
      let log: EventLog;
      beforeAll(async () => {
        recorder = await startRecorder();
        dir = await mkdtemp(join(tmpdir(), 'contract-events-'));
        log = await createEventLog({ store: 'sqlite', path: join(dir, 'events.sqlite') });
      });
      afterAll(async () => {
        await log?.close();
        await new Promise((resolve) => recorder?.server.close(resolve));
        if (dir) await rm(dir, { recursive: true, force: true });
      });

      /** What the webhook does with a delivery: receive, then append what it says (the log drops repeats). */
      const intake = async (notification: IncomingNotification): Promise<void> => {
        const { events } = await setup().receiver.receive(notification);
        await log.append(events.map((event) => ({ ...event, receivedAt: new Date().toISOString() })));
      };
      const stored = async () => (await log.list({ first: 100 })).entries.map((entry) => entry.event);

      it('accepts a genuine notification once, however often it is delivered, and refuses a forged one, writing nothing', async () => {
        const { provider, sendNotificationsTo, fileComplaint, forge } = setup();
        await sendNotificationsTo(recorder.url);
        const complaintId = await fileComplaint();
        // The sandbox delivers within moments; give up after ~5 s rather than hang.
        for (let attempt = 0; attempt < 500 && recorder.deliveries.length === 0; attempt++) await sleep(10);
        const [delivery] = recorder.deliveries;
        if (delivery === undefined) throw new Error('the sandbox sent no notification');

        await intake(delivery);
        await intake(delivery);
        const events = await stored();
        expect(events).toHaveLength(1);
        expect(events[0]?.complaint).toEqual({ provider: provider.merchant.provider, merchantNo: provider.merchant.merchantNo, complaintId });

        const refused = await setup()
          .receiver.receive(forge(delivery))
          .then(
            () => new Error('the forgery was accepted'),
            (e: unknown) => e,
          );
        expect(refused).toBeInstanceOf(GatewayError);
        expect(refused).not.toBeInstanceOf(UnsupportedError);
        const garbled = await setup()
          .receiver.receive({ headers: delivery.headers, body: Buffer.from('{"not":"a notification"') })
          .catch((e: unknown) => e);
        expect(garbled).toBeInstanceOf(GatewayError);
        expect(await stored()).toEqual(events);
      });
    });
  });
}
