import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { HuishouqianAccountOptions } from '../../src/providers/huishouqian/account.js';
import type { HuishouqianSandboxKeys } from '../../src/sandbox/sandbox-keys.js';

export function huishouqianAccountFromKeys(keys: HuishouqianSandboxKeys): HuishouqianAccountOptions {
  return {
    baseUrl: keys.baseUrl,
    agentMerchantNo: keys.agentMerchantNo,
    platformPublicKey: createPublicKey(keys.platformPublicKeyPem),
    merchants: keys.merchants.map((m) => ({ merchantNo: m.merchantNo, name: m.name, privateKey: createPrivateKey(m.privateKeyPem), signKey: m.signKey })),
  };
}
