import type { QuotaObserver, UpstreamObserver } from '../http/upstream-observation.js';
import type { KeyObject } from 'node:crypto';
import { createProcessPiiCipher, type PiiCipher } from '../../crypto/pii-cipher.js';
import { CAPABILITIES, type Capability } from '../../domain/capability.js';
import { ValidationError } from '../../domain/errors.js';
import { createAccountBudgets } from '../http/account-budgets.js';
import { createMemoryBudgetStore, type BudgetStore } from '../http/budget-store.js';
import { systemClock, type Clock } from '../http/clock.js';
import type { CredentialCheck } from '../credential-check.js';
import type { ComplaintProvider, NotificationReceiver } from '../provider.js';
import { createWechatPayAdapter } from './adapter.js';
import { createWechatPayClient } from './client.js';
import { createWechatPayCredentialCheck } from './credential-check.js';
import { QUOTA_PER_MINUTE, type EndpointName, type QuotaName } from './endpoints.js';
import { createWechatPayReceiver } from './notifications.js';
import { createPlatformCertificates, type PlatformCertificates } from './platform-certificates.js';
import { createVerifier } from './protocol/verifier.js';
import { createPublicImageFetcher, DEFAULT_PUBLIC_IMAGE_ORIGINS } from './public-image.js';

export interface WechatPayAccountOptions {
  baseUrl: string;
  backupBaseUrl?: string;
  /** The calling merchant (the service provider for sub-merchants). */
  mchid: string;
  /** Its API certificate serial. */
  serialNo: string;
  privateKey: KeyObject;
  apiV3Key: string;
  platformPublicKeys: { id: string; key: KeyObject }[];
  /** Without `notBefore`/`notAfter` (ms) a certificate counts as valid whatever the date. */
  platformCertificates: { serialNo: string; key: KeyObject; notBefore?: number; notAfter?: number }[];
  /**
   * Download the platform certificates (`GET /v3/certificates`) at start and every
   * `certificateRefreshMs` (default 12 h). The first download must verify with a configured
   * certificate or public key.
   */
  downloadPlatformCertificates?: boolean;
  certificateRefreshMs?: number;
  /** A failed background download; the certificates trusted before stay in use. */
  onCertificateRefreshError?: (error: unknown) => void;
  /** Who this account serves: itself, or its sub-merchants. */
  merchants: { mchid: string; name: string }[];
  timeoutMs?: number;
  clock?: Clock;
  /** Switch capabilities off for a deployment (e.g. media not whitelisted). */
  capabilities?: Partial<Record<Capability, boolean>>;
  onRequest?: (endpoint: EndpointName) => void;
  onUpstreamCall?: UpstreamObserver;
  onQuotaRemaining?: QuotaObserver;
  /** Per-minute budgets that differ from the provider's published ones (spec 5.6), e.g. `{ list: 300 }`. */
  limits?: Partial<Record<QuotaName, number>>;
  /** How long a call may wait for its budget before failing with RateLimitedError; default 10 s. */
  maxQueueMs?: number;
  /** Where budgets are counted: Redis shares them between instances; default in this process. */
  budgetStore?: BudgetStore;
  /**
   * Origins the history's public image URLs may be fetched from (patterns as in public-image.ts);
   * default DEFAULT_PUBLIC_IMAGE_ORIGINS (Tencent's qpic.cn family). The sandbox adds its own host.
   */
  publicImageOrigins?: readonly string[];
  /** Seals payer openids before they can be cached; default a key of this process only. */
  pii?: PiiCipher;
}

export interface WechatPayAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
  /** The trusted platform certificates; `refresh()` downloads them now (when downloads are on). */
  platformCertificates: PlatformCertificates;
  /** One signed call whose answer is verified (readiness); never throws. */
  checkCredentials(): Promise<CredentialCheck>;
  /** Stops the certificate refresh timer. */
  close(): Promise<void>;
}

/** One WeChat Pay API account → one ComplaintProvider per merchant it serves, plus its webhook receiver. */
export function createWechatPayAccount(options: WechatPayAccountOptions): WechatPayAccount {
  const clock = options.clock ?? systemClock;
  if (options.merchants.length === 0) throw new ValidationError('A WeChat Pay account serves at least one merchant', 'merchants');
  const platformCertificates = createPlatformCertificates({
    // Listed order is the configured preference: the last listed counts as newest when dates tie.
    configured: options.platformCertificates.map((certificate, index) => ({
      serialNo: certificate.serialNo.toUpperCase(),
      key: certificate.key,
      notBefore: certificate.notBefore ?? Number.MIN_SAFE_INTEGER + index,
      notAfter: certificate.notAfter ?? Number.MAX_SAFE_INTEGER,
    })),
    apiV3Key: options.apiV3Key,
    clock,
    ...(options.downloadPlatformCertificates === true ? { download: () => client.forAccount().downloadCertificates() } : {}),
    ...(options.certificateRefreshMs === undefined ? {} : { refreshIntervalMs: options.certificateRefreshMs }),
    ...(options.onCertificateRefreshError === undefined ? {} : { onRefreshError: options.onCertificateRefreshError }),
  });
  // Read on every verification, so refreshed and expired certificates take effect at once.
  const verifier = createVerifier({ publicKeys: options.platformPublicKeys, certificates: platformCertificates.current, clock });
  const budgets = createAccountBudgets({
    store: options.budgetStore ?? createMemoryBudgetStore(),
    scope: `wechatpay:${options.mchid}`,
    merchants: options.merchants.map((merchant) => merchant.mchid),
    limits: { ...QUOTA_PER_MINUTE, ...options.limits },
    maxQueueMs: options.maxQueueMs ?? 10_000,
    ...(options.onQuotaRemaining === undefined ? {} : { onRemaining: (group: string, left: number) => options.onQuotaRemaining?.(options.mchid, group, left) }),
  });
  const client = createWechatPayClient({
    budgets,
    baseUrl: options.baseUrl,
    ...(options.backupBaseUrl === undefined ? {} : { backupBaseUrl: options.backupBaseUrl }),
    mchid: options.mchid,
    serialNo: options.serialNo,
    privateKey: options.privateKey,
    verifier,
    clock,
    // Public key mode is WeChat's current one: prefer it; otherwise the newest valid certificate.
    acceptSerial: () => options.platformPublicKeys[0]?.id ?? platformCertificates.newestSerial(),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
    ...(options.onUpstreamCall === undefined ? {} : { onUpstreamCall: options.onUpstreamCall }),
  });
  // Outside the signed client: these URLs are not WeChat Pay API calls and count against no API budget.
  const fetchPublicImage = createPublicImageFetcher({
    allowedOrigins: options.publicImageOrigins ?? DEFAULT_PUBLIC_IMAGE_ORIGINS,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const capabilities = CAPABILITIES.filter((capability) => options.capabilities?.[capability] !== false);
  const pii = options.pii ?? createProcessPiiCipher();
  const providers = options.merchants.map((merchant) =>
    createWechatPayAdapter({
      client: client.forMerchant(merchant.mchid),
      privateKey: options.privateKey,
      fetchPublicImage,
      pii,
      merchant: {
        provider: 'WECHAT_PAY',
        merchantNo: merchant.mchid,
        name: merchant.name,
        accountNo: options.mchid,
        capabilities: [...capabilities],
      },
    }),
  );
  platformCertificates.start();
  // Its owner lookups are the account's own calls: they draw on the pool, no merchant's reserved share.
  return {
    providers,
    notifications: createWechatPayReceiver(client.forAccount(), verifier, options.apiV3Key, options.merchants),
    platformCertificates,
    // Its fallback list names a merchant the account serves (a service provider must); merchants is never empty (checked above).
    checkCredentials: createWechatPayCredentialCheck({ client, complaintedMchid: options.merchants[0]?.mchid ?? options.mchid, clock }),
    close: async () => platformCertificates.close(),
  };
}
