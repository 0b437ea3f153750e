import { z } from 'zod';
import { accountId, capabilitySwitches, httpUrl, loadCertificate, loadKey, merchantNo, secretSource, type SecretResolver } from '../../config/secrets.js';
import { parseOriginPattern } from '../../domain/origin-pattern.js';
import type { WechatPayAccountOptions } from './account.js';
import { QUOTA_NAMES } from './endpoints.js';
import { DEFAULT_PUBLIC_IMAGE_ORIGINS } from './public-image.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** One WeChat Pay account (`providers.wechatpay[]`) as the config file holds it. */
export const wechatPayAccountInput = z.strictObject({
  /** The `{account}` of `/webhooks/wechatpay/{account}`; default: `mchid`. */
  account: accountId.optional(),
  baseUrl: httpUrl.default('https://api.mch.weixin.qq.com'),
  backupBaseUrl: httpUrl.optional(),
  mchid: merchantNo,
  serialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the hexadecimal serial of the API certificate'),
  privateKey: secretSource,
  apiV3Key: secretSource,
  platformPublicKeys: z.array(z.strictObject({ id: z.string().regex(/^PUB_KEY_ID_\w+$/, 'must start with PUB_KEY_ID_'), publicKey: secretSource })).default([]),
  platformCertificates: z.array(z.strictObject({ certificate: secretSource })).default([]),
  /** Certificate mode: download the platform certificates (`GET /v3/certificates`) and keep them fresh. */
  downloadPlatformCertificates: z.boolean().default(false),
  /** How often they are downloaded again; default 720 (12 h). */
  certificateRefreshMinutes: z
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  merchants: z.array(z.strictObject({ mchid: merchantNo, name: z.string().min(1) })).min(1, 'must list at least one merchant'),
  timeoutMs: z.int().positive().max(120_000).default(DEFAULT_TIMEOUT_MS),
  capabilities: capabilitySwitches.optional(),
  /** Calls per minute per endpoint group where they differ from the published ones, e.g. `{"list": 300}`. */
  limits: z
    .partialRecord(
      z.enum(QUOTA_NAMES),
      z.int('must be a whole number of calls per minute').min(7, 'must be at least 7 (a minute is counted in 7 windows)').max(100_000),
    )
    .optional(),
  /** How long a call may wait for its budget before it fails with RATE_LIMITED. */
  maxQueueMs: z.int().min(0).max(120_000).optional(),
  /** Where history image URLs may be fetched from, e.g. `https://*.qpic.cn` (replaces the default list). */
  publicImageOrigins: z
    .array(z.string().refine((pattern) => parseOriginPattern(pattern) !== null, 'must be http(s)://host[:port] or http(s)://*.domain[:port]'))
    .default([...DEFAULT_PUBLIC_IMAGE_ORIGINS]),
});

export type WechatPayAccountInput = z.infer<typeof wechatPayAccountInput>;

/** A WeChat Pay account as createWechatPayAccount takes it, plus its webhook `{account}` name. */
export interface WechatPayAccountConfig
  extends Omit<WechatPayAccountOptions, 'clock' | 'onRequest' | 'timeoutMs' | 'budgetStore' | 'onCertificateRefreshError'> {
  account: string;
  timeoutMs: number;
}

/** Reads the account's keys and secrets; problems go to the resolver, named `<at>.<key>`. */
export async function resolveWechatPayAccount(account: WechatPayAccountInput, at: string, secrets: SecretResolver): Promise<WechatPayAccountConfig | null> {
  const { problems } = secrets;
  const privateKey = loadKey('private', await secrets.text(account.privateKey, `${at}.privateKey`), `${at}.privateKey`, problems);
  const apiV3Key = await secrets.text(account.apiV3Key, `${at}.apiV3Key`);
  // Bytes, not characters: the key is used as 32 raw bytes for AES-256-GCM.
  if (apiV3Key !== undefined && Buffer.byteLength(apiV3Key, 'utf8') !== 32) problems.push(`${at}.apiV3Key: must be 32 characters`);
  const platformPublicKeys: WechatPayAccountConfig['platformPublicKeys'] = [];
  for (const [keyIndex, entry] of account.platformPublicKeys.entries()) {
    const key = `${at}.platformPublicKeys[${keyIndex}].publicKey`;
    const loaded = loadKey('public', await secrets.text(entry.publicKey, key), key, problems);
    if (loaded !== undefined) platformPublicKeys.push({ id: entry.id, key: loaded });
  }
  const platformCertificates: WechatPayAccountConfig['platformCertificates'] = [];
  for (const [certIndex, entry] of account.platformCertificates.entries()) {
    const key = `${at}.platformCertificates[${certIndex}].certificate`;
    const loaded = loadCertificate(await secrets.text(entry.certificate, key), key, problems);
    if (loaded !== undefined) platformCertificates.push(loaded);
  }
  if (account.platformPublicKeys.length === 0 && account.platformCertificates.length === 0) {
    // A download cannot vouch for itself: the first one must verify with a key configured here.
    problems.push(
      account.downloadPlatformCertificates
        ? `${at}.downloadPlatformCertificates: needs at least one platformCertificates or platformPublicKeys entry to trust the first download`
        : `${at}.platformPublicKeys: give a platform public key or platformCertificates to verify WeChat Pay's answers`,
    );
  }
  if (privateKey === undefined || apiV3Key === undefined) return null;
  return {
    account: account.account ?? account.mchid,
    baseUrl: account.baseUrl,
    ...(account.backupBaseUrl === undefined ? {} : { backupBaseUrl: account.backupBaseUrl }),
    mchid: account.mchid,
    serialNo: account.serialNo.toUpperCase(),
    privateKey,
    apiV3Key,
    platformPublicKeys,
    platformCertificates,
    ...(account.downloadPlatformCertificates ? { downloadPlatformCertificates: true } : {}),
    ...(account.certificateRefreshMinutes === undefined ? {} : { certificateRefreshMs: account.certificateRefreshMinutes * 60_000 }),
    merchants: account.merchants,
    timeoutMs: account.timeoutMs,
    ...(account.capabilities === undefined ? {} : { capabilities: account.capabilities }),
    ...(account.limits === undefined ? {} : { limits: account.limits }),
    ...(account.maxQueueMs === undefined ? {} : { maxQueueMs: account.maxQueueMs }),
    publicImageOrigins: account.publicImageOrigins,
  };
}
