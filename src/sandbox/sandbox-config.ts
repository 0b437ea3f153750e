import type { ConfigFileInput } from '../config/gateway-config.js';
import { sandboxDemoTokens } from '../server/auth/demo-tokens.js';
import { huishouqianAccountsFromKeys, type HuishouqianAccountFileInput } from './huishouqian/config-accounts.js';
import type { SandboxKeysFile } from './sandbox-keys.js';
import { wechatPayAccountsFromKeys, type WechatPayAccountFileInput } from './wechatpay/config-accounts.js';

export type { HuishouqianAccountFileInput, WechatPayAccountFileInput };

/** A config file's input whose provider accounts are typed (tests and the bench adjust them). */
export interface SandboxConfigInput extends ConfigFileInput {
  providers: { wechatpay: WechatPayAccountFileInput[]; huishouqian: HuishouqianAccountFileInput[] };
}

/**
 * Sandbox mode's config: the same shape a config file has, built from the keys the sandboxes
 * generated, so both modes take the same validation and resolution path.
 */
export function configFromSandboxKeys(keys: SandboxKeysFile): SandboxConfigInput {
  const wechatpay = keys.wechatpay === undefined ? [] : wechatPayAccountsFromKeys(keys.wechatpay);
  const huishouqian = keys.huishouqian === undefined ? [] : huishouqianAccountsFromKeys(keys.huishouqian);
  const merchants = [
    ...wechatpay.flatMap((account) => account.merchants.map((merchant) => merchant.mchid)),
    ...huishouqian.flatMap((account) => account.merchants.map((merchant) => merchant.merchantNo)),
  ];
  return { auth: { tokens: sandboxDemoTokens(merchants) }, providers: { wechatpay, huishouqian } };
}
