import { z } from 'zod';
import { accountId, capabilitySwitches, httpUrl, loadKey, merchantNo, secretSource, type SecretResolver } from '../../config/secrets.js';
import type { HuishouqianAccountOptions } from './account.js';
import type { HuishouqianThirdPartyFields } from './adapter.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** One Huishouqian account (`providers.huishouqian[]`) as the config file holds it. */
export const huishouqianAccountInput = z.strictObject({
  /** The `{account}` of `/webhooks/huishouqian/{account}`; default: agentMerchantNo or the first merchantNo. */
  account: accountId.optional(),
  baseUrl: httpUrl,
  agentMerchantNo: merchantNo.optional(),
  platformPublicKey: secretSource,
  signType: z.enum(['RSA2', 'CFCA']).default('RSA2'),
  urlShape: z.enum(['per-method', 'generic']).default('per-method'),
  merchants: z
    .array(z.strictObject({ merchantNo, name: z.string().min(1), privateKey: secretSource, signKey: secretSource }))
    .min(1, 'must list at least one merchant'),
  timeoutMs: z.int().positive().max(120_000).default(DEFAULT_TIMEOUT_MS),
  capabilities: capabilitySwitches.optional(),
  /**
   * Request fields seen only in a third-party client (spec 2), not in Huishouqian's documentation:
   * none is sent unless set here, so a merchant turns one on only once Huishouqian confirms it.
   */
  thirdPartyFields: z
    .strictObject({
      /** COMPLAINT_COMMIT_RESPONSE `actType` (an int whose meaning is unknown). */
      replyActType: z.int().optional(),
      /** COMPLAINT_COMMIT_COMPLETE `responseContent` (sent with an empty `responseImages`); at most 200 characters like a reply. */
      completeResponseContent: z.string().trim().min(1).max(200).optional(),
    })
    .optional(),
});

export type HuishouqianAccountInput = z.infer<typeof huishouqianAccountInput>;

/** A Huishouqian account as createHuishouqianAccount takes it, plus its webhook `{account}` name. */
export interface HuishouqianAccountConfig extends Omit<HuishouqianAccountOptions, 'clock' | 'onRequest' | 'timeoutMs' | 'signType'> {
  account: string;
  signType: 'RSA2' | 'CFCA';
  timeoutMs: number;
}

/** Drops unset switches: with exactOptionalPropertyTypes an explicit undefined is not "absent". */
function thirdPartyFieldsOf(input: NonNullable<HuishouqianAccountInput['thirdPartyFields']>): HuishouqianThirdPartyFields {
  return {
    ...(input.replyActType === undefined ? {} : { replyActType: input.replyActType }),
    ...(input.completeResponseContent === undefined ? {} : { completeResponseContent: input.completeResponseContent }),
  };
}

/** Reads the account's keys and secrets; problems go to the resolver, named `<at>.<key>`. */
export async function resolveHuishouqianAccount(
  account: HuishouqianAccountInput,
  at: string,
  secrets: SecretResolver,
  index: number,
): Promise<HuishouqianAccountConfig | null> {
  const { problems } = secrets;
  const platformPublicKey = loadKey('public', await secrets.text(account.platformPublicKey, `${at}.platformPublicKey`), `${at}.platformPublicKey`, problems);
  const merchants: HuishouqianAccountConfig['merchants'] = [];
  for (const [merchantIndex, merchant] of account.merchants.entries()) {
    const mat = `${at}.merchants[${merchantIndex}]`;
    const privateKey = loadKey('private', await secrets.text(merchant.privateKey, `${mat}.privateKey`), `${mat}.privateKey`, problems);
    const signKey = await secrets.text(merchant.signKey, `${mat}.signKey`);
    if (privateKey !== undefined && signKey !== undefined) {
      merchants.push({ merchantNo: merchant.merchantNo, name: merchant.name, privateKey, signKey: signKey.trim() });
    }
  }
  if (platformPublicKey === undefined) return null;
  return {
    account: account.account ?? account.agentMerchantNo ?? account.merchants[0]?.merchantNo ?? `huishouqian-${index}`,
    baseUrl: account.baseUrl,
    ...(account.agentMerchantNo === undefined ? {} : { agentMerchantNo: account.agentMerchantNo }),
    platformPublicKey,
    signType: account.signType,
    urlShape: account.urlShape,
    merchants,
    timeoutMs: account.timeoutMs,
    ...(account.capabilities === undefined ? {} : { capabilities: account.capabilities }),
    ...(account.thirdPartyFields === undefined ? {} : { thirdPartyFields: thirdPartyFieldsOf(account.thirdPartyFields) }),
  };
}
