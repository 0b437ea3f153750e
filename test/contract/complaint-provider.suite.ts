import { describe, expect, it } from 'vitest';
import { NotFoundError, UnsupportedError, ValidationError } from '../../src/domain/errors.js';
import type { ComplaintProvider, ListComplaintsQuery } from '../../src/providers/provider.js';

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
  withoutCapability(capability: 'REPLY' | 'COMPLETE' | 'IMAGE_UPLOAD'): ComplaintProvider;
}

export function complaintProviderSuite(name: string, setup: () => ContractSetup): void {
  describe(`${name} honours the ComplaintProvider contract`, () => {
    const page = async (provider: ComplaintProvider, window: ContractSetup['window'], limit: number) =>
      provider.listComplaints({ ...window, limit, offset: 0 });

    it('lists newest first, and every complaint is the merchant’s own', async () => {
      const { provider, window } = setup();
      const { complaints } = await page(provider, window, Math.min(20, provider.limits.maxListPageSize));
      expect(complaints.length).toBeGreaterThan(0);
      for (const complaint of complaints) expect(complaint.key).toMatchObject({ provider: provider.merchant.provider, merchantNo: provider.merchant.merchantNo });
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
      await expect(provider.reply('1', { text: 'x'.repeat(provider.limits.maxReplyLength + 1), imageMediaIds: [], jumpUrl: null, miniProgram: null })).rejects.toBeInstanceOf(ValidationError);
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
  });
}
