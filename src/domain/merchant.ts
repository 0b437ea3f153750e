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
