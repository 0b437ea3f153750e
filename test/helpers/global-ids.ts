import { merchantKeyToString, type MerchantKey } from '../../src/domain/complaint-key.js';
import { encodeGlobalId } from '../../src/schema/global-id.js';

/** The global id the schema gives a merchant (Pothos encodes it through encodeGlobalId). */
export function merchantGlobalId(key: MerchantKey): string {
  return encodeGlobalId('Merchant', merchantKeyToString(key));
}
