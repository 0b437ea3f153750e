import { describe, expect, it } from 'vitest';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { MEDIA_URL_TTL_SECONDS, mediaUrlExpiry, verifyMediaToken } from '../../../src/crypto/media-token.js';
import { ForbiddenError } from '../../../src/domain/errors.js';
import { createFakeProvider, makeComplaint } from '../../helpers/fake-provider.js';
import { createHarness, HARNESS_NOW } from './harness.js';

const DETAIL = /* GraphQL */ `
  query Detail($id: ID!, $after: String) {
    complaint(id: $id) {
      id provider complaintId state stateRaw complainedAt detail problemDescription problemType problemTypeRaw
      userComplaintTimes incomingUserResponse fullyRefunded applyRefundAmount needImmediateService
      payerOpenid payerPhone orders { transactionId outTradeNo amount } media { kind kindRaw urls }
      merchant { merchantNo name notificationUrl }
      negotiationHistory(first: 3, after: $after) {
        edges { cursor node { logId operateType operatedAt details } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

describe('Complaint fields', () => {
  it('exposes every contract field, unknown enum values as UNKNOWN with the raw spelling, and signed media URLs', async () => {
    const provider = createFakeProvider({ merchantNo: '1900000001' });
    const key = { ...provider.merchant, complaintId: 'c1' };
    provider.add(
      makeComplaint(key, '2026-11-02T09:30:00+08:00', {
        state: { value: 'UNKNOWN', raw: 'NEW_STATE_2027' },
        problemType: { value: 'UNKNOWN', raw: 'SOMETHING_NEW' },
      }),
    );
    const harness = createHarness([provider]);
    const result = await harness.run(DETAIL, { id: complaintGlobalId(key) });
    expect(result.errors).toBeUndefined();
    const complaint = result.data?.['complaint'];
    expect(complaint).toMatchObject({
      provider: 'WECHAT_PAY',
      complaintId: 'c1',
      state: 'UNKNOWN',
      stateRaw: 'NEW_STATE_2027',
      problemType: 'UNKNOWN',
      problemTypeRaw: 'SOMETHING_NEW',
      complainedAt: '2026-11-02T09:30:00+08:00',
      applyRefundAmount: 100,
      payerPhone: '13800000000',
      orders: [{ transactionId: 't-c1', outTradeNo: 'o-c1', amount: 1000 }],
      merchant: { merchantNo: '1900000001', notificationUrl: null },
    });
    const url: string = complaint.media[0].urls[0];
    expect(url.startsWith('http://gateway.test/media/')).toBe(true);
    const token = url.slice('http://gateway.test/media/'.length);
    const expiresAt = mediaUrlExpiry(HARNESS_NOW);
    // One to two periods from now, the same URL for every read within a period.
    expect(expiresAt - HARNESS_NOW / 1000).toBeGreaterThan(MEDIA_URL_TTL_SECONDS);
    expect(expiresAt - HARNESS_NOW / 1000).toBeLessThanOrEqual(2 * MEDIA_URL_TTL_SECONDS);
    expect(mediaUrlExpiry(HARNESS_NOW + 1000)).toBe(expiresAt);
    expect(verifyMediaToken(harness.mediaTokenSecret, token, HARNESS_NOW)).toEqual({
      provider: 'WECHAT_PAY',
      merchantNo: '1900000001',
      complaintId: 'c1',
      url: 'https://provider.example/media/c1',
      expiresAt,
      source: 'COMPLAINT_MEDIA',
    });
    expect(() => verifyMediaToken(harness.mediaTokenSecret, token, (expiresAt + 1) * 1000)).toThrow(/expired/);
    const [body, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify(['WECHAT_PAY', '1900000001', 'c1', 'http://169.254.169.254/', expiresAt])).toString('base64url');
    expect(() => verifyMediaToken(harness.mediaTokenSecret, `${forged}.${mac}`, HARNESS_NOW)).toThrow(ForbiddenError);
    expect(() => verifyMediaToken(harness.mediaTokenSecret, `${body}.${mac.slice(1)}`, HARNESS_NOW)).toThrow(ForbiddenError);
  });

  it('decrypts payerPhone only when it is asked for', async () => {
    const provider = createFakeProvider({ merchantNo: '1900000001' });
    const key = { ...provider.merchant, complaintId: 'c1' };
    provider.add(makeComplaint(key, '2026-11-02T09:30:00+08:00'));
    const harness = createHarness([provider]);
    await harness.run(`query($id: ID!) { complaint(id: $id) { detail } }`, { id: complaintGlobalId(key) });
    expect(provider.calls['revealPayerPhone'] ?? 0).toBe(0);
  });

  it('pages the negotiation history across provider pages', async () => {
    const provider = createFakeProvider({ merchantNo: '1900000001', limits: { maxHistoryPageSize: 2 } });
    const key = { ...provider.merchant, complaintId: 'c1' };
    provider.add(makeComplaint(key, '2026-11-02T09:30:00+08:00'));
    for (let i = 0; i < 7; i++) await provider.reply('c1', { text: `r${i}`, imageMediaIds: [], jumpUrl: null, miniProgram: null });
    const harness = createHarness([provider]);
    const details: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result = await harness.run(DETAIL, { id: complaintGlobalId(key), after });
      expect(result.errors).toBeUndefined();
      const history = result.data?.['complaint'].negotiationHistory;
      details.push(...history.edges.map((edge: { node: { details: string } }) => edge.node.details));
      if (!history.pageInfo.hasNextPage) break;
      after = history.pageInfo.endCursor;
    }
    expect(details).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });
});
