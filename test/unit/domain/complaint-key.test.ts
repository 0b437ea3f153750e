import { describe, expect, it } from 'vitest';
import { complaintKeyToString, parseComplaintKey, parseMerchantKey } from '../../../src/domain/complaint-key.js';
import { ValidationError } from '../../../src/domain/errors.js';

describe('complaint keys', () => {
  it('round-trips through the string form', () => {
    const key = { provider: 'WECHAT_PAY', merchantNo: '1900012181', complaintId: '200201820200101080076610000' } as const;
    expect(parseComplaintKey(complaintKeyToString(key))).toEqual(key);
  });

  it.each(['', 'WECHAT_PAY:1', 'PAYPAL:1:2', 'WECHAT_PAY:1:2:3', 'WECHAT_PAY::2', 'HUISHOUQIAN:1:a/b', `WECHAT_PAY:1:${'9'.repeat(65)}`])(
    'rejects the forged or garbled id %j',
    (text) => {
      expect(() => parseComplaintKey(text)).toThrow(ValidationError);
    },
  );

  it('parses merchant keys strictly', () => {
    expect(parseMerchantKey('HUISHOUQIAN:814000473149')).toEqual({ provider: 'HUISHOUQIAN', merchantNo: '814000473149' });
    expect(() => parseMerchantKey('HUISHOUQIAN:814000473149:x')).toThrow(ValidationError);
  });
});
