import type { QuotaObserver, UpstreamObserver } from '../http/upstream-observation.js';
import type { KeyObject } from 'node:crypto';
import { createProcessPiiCipher, type PiiCipher } from '../../crypto/pii-cipher.js';
import type { Capability } from '../../domain/capability.js';
import { UnsupportedError } from '../../domain/errors.js';
import { systemClock, type Clock } from '../http/clock.js';
import type { CredentialCheck } from '../credential-check.js';
import type { ComplaintProvider, NotificationReceiver } from '../provider.js';
import { createHuishouqianAdapter, type HuishouqianThirdPartyFields } from './adapter.js';
import { createHuishouqianClient } from './client.js';
import { createHuishouqianCredentialCheck } from './credential-check.js';
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
  onUpstreamCall?: UpstreamObserver;
  onQuotaRemaining?: QuotaObserver;
  /** `per-method` (documented, default) or `generic` (`/api/acquiring`, seen in a third-party client). */
  urlShape?: HuishouqianUrlShape;
  /** Inferred request fields (spec 2), each off unless set. */
  thirdPartyFields?: HuishouqianThirdPartyFields;
  /** Seals payer phones and openids before they can be cached; default a key of this process only. */
  pii?: PiiCipher;
}

export interface HuishouqianAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
  /** One signed query per merchant key set, its answer verified (readiness); never throws. */
  checkCredentials(): Promise<CredentialCheck>;
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
  const pii = options.pii ?? createProcessPiiCipher();
  const signers = options.merchants.map((merchant) => ({
    merchant,
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
      ...(options.onUpstreamCall === undefined ? {} : { onUpstreamCall: options.onUpstreamCall }),
      ...(options.onQuotaRemaining === undefined ? {} : { onQuotaRemaining: options.onQuotaRemaining }),
      ...(options.urlShape === undefined ? {} : { urlShape: options.urlShape }),
    }),
  }));
  const providers = signers.map(({ merchant, client }) =>
    createHuishouqianAdapter({
      client,
      merchant: {
        provider: 'HUISHOUQIAN',
        merchantNo: merchant.merchantNo,
        name: merchant.name,
        // Each merchant signs its own calls.
        accountNo: merchant.merchantNo,
        capabilities: [...capabilities],
      },
      agentMerchantNo: options.agentMerchantNo ?? null,
      pii,
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
  return {
    providers,
    notifications,
    checkCredentials: createHuishouqianCredentialCheck({
      clients: signers.map(({ client }) => client),
      agentMerchantNo: options.agentMerchantNo ?? null,
      clock,
    }),
  };
}
