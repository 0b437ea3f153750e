import type { z } from 'zod';
import type { wechatPayAccountInput } from '../../providers/wechatpay/config.js';
import type { WechatPaySandboxKeys } from '../sandbox-keys.js';

export type WechatPayAccountFileInput = z.input<typeof wechatPayAccountInput>;

/** The sandbox's merchants as `providers.wechatpay` accounts of a config file. */
export function wechatPayAccountsFromKeys(sandbox: WechatPaySandboxKeys): WechatPayAccountFileInput[] {
  const platform = {
    baseUrl: sandbox.baseUrl,
    platformPublicKeys: [{ id: sandbox.platformPublicKeyId, publicKey: sandbox.platformPublicKeyPem }],
    platformCertificates: sandbox.platformCertificates.map((entry) => ({ certificate: entry.certificatePem })),
    // The sandbox serves history images from its own plain-http host (/public-images/), as WeChat does from qpic.cn.
    publicImageOrigins: [sandbox.baseUrl],
  };
  // A sub-merchant is served by its service provider's account: group them under its mchid.
  const accounts = new Map<string, WechatPayAccountFileInput>();
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
  return [...accounts.values()];
}
