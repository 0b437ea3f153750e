import type { KeyObject } from 'node:crypto';
import type { Capability } from '../../domain/capability.js';
import { UnsupportedError } from '../../domain/errors.js';
import { systemClock, type Clock } from '../http/clock.js';
import type { ComplaintProvider, NotificationReceiver } from '../provider.js';
import { createHuishouqianAdapter, type HuishouqianThirdPartyFields } from './adapter.js';
import { createHuishouqianClient } from './client.js';
import type { HuishouqianEndpointName, HuishouqianUrlShape } from './endpoints.js';
import { createHuishouqianReceiver } from './notifications.js';
import { rsa2Scheme } from './protocol/signer.js';

export interface HuishouqianAccountOptions {
  baseUrl: string;
  agentMerchantNo?: string;
  platformPublicKey: KeyObject;
  merchants: { merchantNo: string; name: string; privateKey: KeyObject; signKey: string }[];
  /** CFCA (encrypted payloads) is not implemented: it cannot be tested honestly without Huishouqian. */
  signType?: 'RSA2' | 'CFCA';
  timeoutMs?: number;
  clock?: Clock;
  capabilities?: Partial<Record<Capability, boolean>>;
  onRequest?: (endpoint: HuishouqianEndpointName) => void;
  /** `per-method` (documented, default) or `generic` (`/api/acquiring`, seen in a third-party client). */
  urlShape?: HuishouqianUrlShape;
  /** Inferred request fields (spec 2), each off unless set. */
  thirdPartyFields?: HuishouqianThirdPartyFields;
}

export interface HuishouqianAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
}

// Documented: list and detail. Inferred from third-party clients, each switchable off: the rest.
const OFFERED: readonly Capability[] = [
  'LIST_COMPLAINTS',
  'COMPLAINT_DETAIL',
  'NEGOTIATION_HISTORY',
  'REPLY',
  'COMPLETE',
  'IMAGE_UPLOAD',
  'IMAGE_DOWNLOAD',
  'NOTIFICATIONS',
];

export function createHuishouqianAccount(options: HuishouqianAccountOptions): HuishouqianAccount {
  if (options.signType === 'CFCA') {
    throw new UnsupportedError(
      'HUISHOUQIAN',
      'CFCA_SIGNING',
      'Huishouqian signType CFCA is not supported yet: its encryption is known only from third-party code and cannot be tested here; use RSA2',
    );
  }
  const scheme = rsa2Scheme;
  const clock = options.clock ?? systemClock;
  const capabilities = OFFERED.filter((capability) => options.capabilities?.[capability] !== false);
  const providers = options.merchants.map((merchant) =>
    createHuishouqianAdapter({
      client: createHuishouqianClient({
        baseUrl: options.baseUrl,
        merchantNo: merchant.merchantNo,
        privateKey: merchant.privateKey,
        signKey: merchant.signKey,
        platformPublicKey: options.platformPublicKey,
        scheme,
        clock,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
        ...(options.urlShape === undefined ? {} : { urlShape: options.urlShape }),
      }),
      merchant: {
        provider: 'HUISHOUQIAN',
        merchantNo: merchant.merchantNo,
        name: merchant.name,
        // Each merchant signs its own calls.
        accountNo: merchant.merchantNo,
        capabilities: [...capabilities],
      },
      agentMerchantNo: options.agentMerchantNo ?? null,
      ...(options.thirdPartyFields === undefined ? {} : { thirdPartyFields: options.thirdPartyFields }),
    }),
  );
  // A notification only says "this complaint changed": the receiver re-reads it as its merchant.
  const byMerchantNo = new Map(providers.map((provider) => [provider.merchant.merchantNo, provider]));
  const notifications = createHuishouqianReceiver({
    merchants: options.merchants,
    providerFor: (merchantNo) => byMerchantNo.get(merchantNo),
    platformPublicKey: options.platformPublicKey,
    scheme,
    clock,
  });
  return { providers, notifications };
}
