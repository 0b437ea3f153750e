import type { z } from 'zod';
import type { ConfigFileInput } from '../config/gateway-config.js';
import type { huishouqianAccountInput } from '../providers/huishouqian/config.js';
import type { wechatPayAccountInput } from '../providers/wechatpay/config.js';
import { sandboxDemoTokens } from '../server/auth/demo-tokens.js';
import type { SandboxKeysFile } from './sandbox-keys.js';

export type WechatPayAccountFileInput = z.input<typeof wechatPayAccountInput>;
export type HuishouqianAccountFileInput = z.input<typeof huishouqianAccountInput>;

/** A config file's input whose provider accounts are typed (tests and the bench adjust them). */
export interface SandboxConfigInput extends ConfigFileInput {
  providers: { wechatpay: WechatPayAccountFileInput[]; huishouqian: HuishouqianAccountFileInput[] };
}

/**
 * Sandbox mode's config: the same shape a config file has, built from the keys the sandboxes
 * generated, so both modes take the same validation and resolution path.
 */
export function configFromSandboxKeys(keys: SandboxKeysFile): SandboxConfigInput {
  const wechatpay: WechatPayAccountFileInput[] = [];
  if (keys.wechatpay !== undefined) {
    const sandbox = keys.wechatpay;
    const platform = {
      baseUrl: sandbox.baseUrl,
      platformPublicKeys: [{ id: sandbox.platformPublicKeyId, publicKey: sandbox.platformPublicKeyPem }],
      platformCertificates: sandbox.platformCertificates.map((entry) => ({ certificate: entry.certificatePem })),
    };
    // A sub-merchant is served by its service provider's account: group them under its mchid.
    const accounts = new Map<string, (typeof wechatpay)[number]>();
    for (const merchant of sandbox.merchants) {
      const caller = merchant.kind === 'sub' && merchant.spMchid !== undefined ? merchant.spMchid : merchant.mchid;
      const existing = accounts.get(caller);
      if (existing !== undefined) {
        existing.merchants.push({ mchid: merchant.mchid, name: merchant.name });
        continue;
      }
      accounts.set(caller, {
        ...platform,
        account: caller,
        mchid: caller,
        serialNo: merchant.serialNo,
        privateKey: merchant.privateKeyPem,
        apiV3Key: merchant.apiV3Key,
        merchants: [{ mchid: merchant.mchid, name: merchant.name }],
      });
    }
    wechatpay.push(...accounts.values());
  }
  const huishouqian: HuishouqianAccountFileInput[] = [];
  if (keys.huishouqian !== undefined && keys.huishouqian.merchants.length > 0) {
    const sandbox = keys.huishouqian;
    huishouqian.push({
      account: sandbox.agentMerchantNo,
      baseUrl: sandbox.baseUrl,
      agentMerchantNo: sandbox.agentMerchantNo,
      platformPublicKey: sandbox.platformPublicKeyPem,
      merchants: sandbox.merchants.map((merchant) => ({
        merchantNo: merchant.merchantNo,
        name: merchant.name,
        privateKey: merchant.privateKeyPem,
        signKey: merchant.signKey,
      })),
    });
  }
  const merchants = [
    ...wechatpay.flatMap((account) => account.merchants.map((merchant) => merchant.mchid)),
    ...huishouqian.flatMap((account) => account.merchants.map((merchant) => merchant.merchantNo)),
  ];
  return { auth: { tokens: sandboxDemoTokens(merchants) }, providers: { wechatpay, huishouqian } };
}
