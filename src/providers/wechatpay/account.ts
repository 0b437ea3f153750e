import type { KeyObject } from 'node:crypto';
import { CAPABILITIES, type Capability } from '../../domain/capability.js';
import { ValidationError } from '../../domain/errors.js';
import { createAccountBudgets } from '../http/account-budgets.js';
import { createMemoryBudgetStore, type BudgetStore } from '../http/budget-store.js';
import { systemClock, type Clock } from '../http/clock.js';
import type { ComplaintProvider, NotificationReceiver } from '../provider.js';
import { createWechatPayAdapter } from './adapter.js';
import { createWechatPayClient } from './client.js';
import { QUOTA_PER_MINUTE, type EndpointName, type QuotaName } from './endpoints.js';
import { createWechatPayReceiver } from './notifications.js';
import { createVerifier } from './protocol/verifier.js';

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
  platformCertificates: { serialNo: string; key: KeyObject }[];
  /** Who this account serves: itself, or its sub-merchants. */
  merchants: { mchid: string; name: string }[];
  timeoutMs?: number;
  clock?: Clock;
  /** Switch capabilities off for a deployment (e.g. media not whitelisted). */
  capabilities?: Partial<Record<Capability, boolean>>;
  onRequest?: (endpoint: EndpointName) => void;
  /** Per-minute budgets that differ from the provider's published ones (spec 5.6), e.g. `{ list: 300 }`. */
  limits?: Partial<Record<QuotaName, number>>;
  /** How long a call may wait for its budget before failing with RateLimitedError; default 10 s. */
  maxQueueMs?: number;
  /** Where budgets are counted: Redis shares them between instances; default in this process. */
  budgetStore?: BudgetStore;
}

export interface WechatPayAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
}

// Public key mode is WeChat's current one: prefer it; otherwise the newest-listed certificate.
function acceptSerial(options: WechatPayAccountOptions): { acceptSerial?: string } {
  const serial = options.platformPublicKeys[0]?.id ?? options.platformCertificates.at(-1)?.serialNo;
  return serial === undefined ? {} : { acceptSerial: serial };
}

/** One WeChat Pay API account → one ComplaintProvider per merchant it serves, plus its webhook receiver. */
export function createWechatPayAccount(options: WechatPayAccountOptions): WechatPayAccount {
  const clock = options.clock ?? systemClock;
  if (options.merchants.length === 0) throw new ValidationError('A WeChat Pay account serves at least one merchant', 'merchants');
  const verifier = createVerifier({ publicKeys: options.platformPublicKeys, certificates: options.platformCertificates, clock });
  const budgets = createAccountBudgets({
    store: options.budgetStore ?? createMemoryBudgetStore(),
    scope: `wechatpay:${options.mchid}`,
    merchants: options.merchants.map((merchant) => merchant.mchid),
    limits: { ...QUOTA_PER_MINUTE, ...options.limits },
    maxQueueMs: options.maxQueueMs ?? 10_000,
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
    ...acceptSerial(options),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  const capabilities = CAPABILITIES.filter((capability) => options.capabilities?.[capability] !== false);
  const providers = options.merchants.map((merchant) =>
    createWechatPayAdapter({
      client: client.forMerchant(merchant.mchid),
      privateKey: options.privateKey,
      merchant: {
        provider: 'WECHAT_PAY',
        merchantNo: merchant.mchid,
        name: merchant.name,
        accountNo: options.mchid,
        capabilities: [...capabilities],
      },
    }),
  );
  // Its owner lookups are the account's own calls: they draw on the pool, no merchant's reserved share.
  return { providers, notifications: createWechatPayReceiver(client.forAccount(), verifier, options.apiV3Key, options.merchants) };
}
