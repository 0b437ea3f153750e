import { writeFile } from 'node:fs/promises';

/**
 * `sandbox-keys.json`: everything a client needs to talk to the running sandboxes. Written by
 * `npm run sandbox` / `npm start` with freshly generated keys; read by the gateway's sandbox config.
 * Each provider owns its top-level key. PEM strings appear only here, at the file boundary.
 */
export interface SandboxKeysFile {
  wechatpay?: WechatPaySandboxKeys;
  huishouqian?: HuishouqianSandboxKeys;
}

export interface WechatPaySandboxKeys {
  baseUrl: string;
  /** `PUB_KEY_ID_...`: the id under which the platform public key signs (public key mode). */
  platformPublicKeyId: string;
  platformPublicKeyPem: string;
  /** Which key signs answers and notifications by default. */
  keyMode: 'public-key' | 'certificate';
  /** Platform certificates for certificate mode (several, so rotation can be tested). */
  platformCertificates: { serialNo: string; certificatePem: string }[];
  merchants: WechatPaySandboxMerchant[];
}

export interface WechatPaySandboxMerchant {
  /** The complained-about merchant. For `kind: 'sub'` the credentials below are the service provider's. */
  mchid: string;
  name: string;
  kind: 'direct' | 'sub';
  spMchid?: string;
  /** Serial of the calling merchant's API certificate. */
  serialNo: string;
  privateKeyPem: string;
  apiV3Key: string;
}

export interface HuishouqianSandboxKeys {
  baseUrl: string;
  platformPublicKeyPem: string;
  agentMerchantNo: string;
  merchants: HuishouqianSandboxMerchant[];
}

export interface HuishouqianSandboxMerchant {
  merchantNo: string;
  name: string;
  privateKeyPem: string;
  /** The shared signing secret appended as `key` to the sign string. */
  signKey: string;
}

/** Each provider's keys under its module's slug (`SandboxKeysFile` for the two shipped ones). */
export async function writeSandboxKeys(path: string, keys: object): Promise<void> {
  // The file holds private keys: readable by the owner only.
  await writeFile(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}
