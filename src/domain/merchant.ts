import type { Capability } from './capability.js';
import type { ProviderName } from './errors.js';

export interface Merchant {
  provider: ProviderName;
  /** The provider's merchant number (WeChat mchid, Huishouqian merchantNo). */
  merchantNo: string;
  name: string;
  capabilities: Capability[];
}
