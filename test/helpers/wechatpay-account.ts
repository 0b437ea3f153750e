import type { WechatPaySandboxKeys } from '../../src/sandbox/sandbox-keys.js';
import type { WechatPayAccountOptions } from '../../src/providers/wechatpay/account.js';
import { loadCertificate, loadPrivateKey, loadPublicKey } from './key-loaders.js';

/** Account options for each calling merchant in the sandbox's keys (a service provider groups its sub-merchants). */
export function wechatPayAccountsFromKeys(keys: WechatPaySandboxKeys): WechatPayAccountOptions[] {
  const accounts = new Map<string, WechatPayAccountOptions>();
  for (const merchant of keys.merchants) {
    const caller = merchant.kind === 'sub' && merchant.spMchid !== undefined ? merchant.spMchid : merchant.mchid;
    const existing = accounts.get(caller);
    if (existing) {
      existing.merchants.push({ mchid: merchant.mchid, name: merchant.name });
      continue;
    }
    accounts.set(caller, {
      baseUrl: keys.baseUrl,
      mchid: caller,
      serialNo: merchant.serialNo,
      privateKey: loadPrivateKey(merchant.privateKeyPem),
      apiV3Key: merchant.apiV3Key,
      platformPublicKeys: [{ id: keys.platformPublicKeyId, key: loadPublicKey(keys.platformPublicKeyPem) }],
      platformCertificates: keys.platformCertificates.map((c) => loadCertificate(c.certificatePem)),
      merchants: [{ mchid: merchant.mchid, name: merchant.name }],
      // History images come from the sandbox's own public image host (/public-images/).
      publicImageOrigins: [keys.baseUrl],
    });
  }
  return [...accounts.values()];
}
