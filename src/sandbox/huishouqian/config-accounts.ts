import type { z } from 'zod';
import type { huishouqianAccountInput } from '../../providers/huishouqian/config.js';
import type { HuishouqianSandboxKeys } from '../sandbox-keys.js';

export type HuishouqianAccountFileInput = z.input<typeof huishouqianAccountInput>;

/** The sandbox's agent and merchants as `providers.huishouqian` accounts of a config file. */
export function huishouqianAccountsFromKeys(sandbox: HuishouqianSandboxKeys): HuishouqianAccountFileInput[] {
  if (sandbox.merchants.length === 0) return [];
  return [
    {
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
    },
  ];
}
