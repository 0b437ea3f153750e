import { describe, expect, it } from 'vitest';
import { createProcessPiiCipher } from '../../../src/crypto/pii-cipher.js';
import type { Complaint } from '../../../src/domain/complaint.js';
import { revealSealed } from '../../../src/providers/sealed-pii.js';
import { makeComplaint } from '../../helpers/fake-provider.js';

const KEY = { provider: 'HUISHOUQIAN', merchantNo: '8800000001', complaintId: '200201' } as const;
const OPENID = 'o0WuojSandbox1';

/** A provider whose answers this cipher seals, counting its reads. */
function providerSealingWith(pii: ReturnType<typeof createProcessPiiCipher>) {
  let reads = 0;
  return {
    reads: () => reads,
    async getComplaint(): Promise<Complaint> {
      reads++;
      return makeComplaint(KEY, '2026-11-02T09:30:00+08:00', { payerOpenid: pii.seal(OPENID) });
    },
  };
}

describe('revealSealed', () => {
  it('opens a value this key sealed without calling the provider', async () => {
    const pii = createProcessPiiCipher();
    const provider = providerSealingWith(pii);
    const cached = makeComplaint(KEY, '2026-11-02T09:30:00+08:00', { payerOpenid: pii.seal(OPENID) });
    expect(await revealSealed(pii, cached, (c) => c.payerOpenid, provider)).toBe(OPENID);
    expect(provider.reads()).toBe(0);
  });

  it('reads the complaint again when the cached value was sealed under another key (another instance, a changed key): a miss, not an error', async () => {
    const other = createProcessPiiCipher();
    const cachedByOther = makeComplaint(KEY, '2026-11-02T09:30:00+08:00', { payerOpenid: other.seal(OPENID) });
    const pii = createProcessPiiCipher();
    const provider = providerSealingWith(pii);
    expect(await revealSealed(pii, cachedByOther, (c) => c.payerOpenid, provider)).toBe(OPENID);
    expect(provider.reads()).toBe(1);
  });

  it('answers null without a call when the complaint has no such value', async () => {
    const pii = createProcessPiiCipher();
    const provider = providerSealingWith(pii);
    const none = makeComplaint(KEY, '2026-11-02T09:30:00+08:00', { payerOpenid: null });
    expect(await revealSealed(pii, none, (c) => c.payerOpenid, provider)).toBeNull();
    expect(provider.reads()).toBe(0);
  });
});
