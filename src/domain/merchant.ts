import type { Capability } from './capability.js';
import type { ProviderName } from './errors.js';

export interface Merchant {
  provider: ProviderName;
  /** The provider's merchant number (WeChat mchid, Huishouqian merchantNo). */
  merchantNo: string;
  name: string;
  /**
   * The provider account that makes the calls for this merchant: the service provider's mchid for a
   * WeChat Pay sub-merchant, else the merchant itself. Settings kept per account (the notification
   * URL) are shared by every merchant of the account.
   */
  accountNo: string;
  capabilities: Capability[];
}

/** Whether two merchants are served by the same provider account (and so share its settings). */
export function sameAccount(a: Merchant, b: Merchant): boolean {
  return a.provider === b.provider && a.accountNo === b.accountNo;
}
