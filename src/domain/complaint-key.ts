import { ValidationError, type ProviderName } from './errors.js';

export const PROVIDERS: readonly ProviderName[] = ['WECHAT_PAY', 'HUISHOUQIAN'];

/** Identifies one complaint across every provider: the provider's own id is only unique per merchant. */
export interface ComplaintKey {
  provider: ProviderName;
  merchantNo: string;
  complaintId: string;
}

export interface MerchantKey {
  provider: ProviderName;
  merchantNo: string;
}

// Provider ids are digits/letters; ':' separates parts and may not appear inside one.
const PART = /^[A-Za-z0-9_.-]{1,64}$/;

function isProvider(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

export function merchantKeyToString(key: MerchantKey): string {
  return `${key.provider}:${key.merchantNo}`;
}

export function complaintKeyToString(key: ComplaintKey): string {
  return `${key.provider}:${key.merchantNo}:${key.complaintId}`;
}

export function parseMerchantKey(text: string): MerchantKey {
  const [provider, merchantNo, ...rest] = text.split(':');
  if (rest.length > 0 || provider === undefined || merchantNo === undefined) {
    throw new ValidationError('Not a merchant id', 'id');
  }
  if (!isProvider(provider) || !PART.test(merchantNo)) {
    throw new ValidationError('Not a merchant id', 'id');
  }
  return { provider, merchantNo };
}

export function parseComplaintKey(text: string): ComplaintKey {
  const [provider, merchantNo, complaintId, ...rest] = text.split(':');
  if (rest.length > 0 || provider === undefined || merchantNo === undefined || complaintId === undefined) {
    throw new ValidationError('Not a complaint id', 'id');
  }
  if (!isProvider(provider) || !PART.test(merchantNo) || !PART.test(complaintId)) {
    throw new ValidationError('Not a complaint id', 'id');
  }
  return { provider, merchantNo, complaintId };
}
