import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { HuishouqianSandboxKeys } from '../sandbox-keys.js';

export interface HuishouqianMerchantKeys {
  merchantNo: string;
  name: string;
  privateKeyPem: string;
  publicKey: KeyObject;
  signKey: string;
}

export interface HuishouqianSandboxCredentials {
  platformPrivateKey: KeyObject;
  platformPublicKeyPem: string;
  agentMerchantNo: string;
  merchants: HuishouqianMerchantKeys[];
}

const AGENT_MERCHANT_NO = '814000000001';

// One 1024-bit merchant key as in the seed's example (256-hex signatures), one 2048-bit.
const MERCHANTS = [
  { merchantNo: '814000473149', name: '杭州悦享便利店有限公司', bits: 1024 },
  { merchantNo: '814000473150', name: '苏州青禾茶饮有限公司', bits: 2048 },
] as const;

/** Fresh keys per run: a 2048-bit platform key, merchant keys and 32-hex sign keys. */
export function generateHuishouqianCredentials(): HuishouqianSandboxCredentials {
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    platformPrivateKey: platform.privateKey,
    platformPublicKeyPem: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    agentMerchantNo: AGENT_MERCHANT_NO,
    merchants: MERCHANTS.map(({ merchantNo, name, bits }) => {
      const pair = generateKeyPairSync('rsa', { modulusLength: bits });
      return {
        merchantNo,
        name,
        privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: pair.publicKey,
        signKey: randomBytes(16).toString('hex'),
      };
    }),
  };
}

export function publishedKeys(credentials: HuishouqianSandboxCredentials, baseUrl: string): HuishouqianSandboxKeys {
  return {
    baseUrl,
    platformPublicKeyPem: credentials.platformPublicKeyPem,
    agentMerchantNo: credentials.agentMerchantNo,
    merchants: credentials.merchants.map(({ merchantNo, name, privateKeyPem, signKey }) => ({ merchantNo, name, privateKeyPem, signKey })),
  };
}
