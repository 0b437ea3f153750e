import { createPrivateKey, createPublicKey } from 'node:crypto';
import { generateHuishouqianCredentials, type HuishouqianSandboxCredentials } from '../../src/sandbox/huishouqian/keys.js';
import type { HuishouqianSandboxKeys, WechatPaySandboxKeys } from '../../src/sandbox/sandbox-keys.js';
import { createWechatPaySandboxKeyring, type CallerCredential, type WechatPaySandboxKeyring } from '../../src/sandbox/wechatpay/keys.js';
import { SANDBOX_MERCHANTS } from '../../src/sandbox/wechatpay/seed.js';

/**
 * Both sandboxes' keys as plain JSON, so that one set, generated once per test run (globalSetup),
 * reaches every worker through vitest's `provide`/`inject`. RSA key generation is what made starting
 * sandboxes slow; each test file still starts its own sandboxes with their own state and ports.
 * PEMs appear only here, at the serialisation boundary.
 */
export interface SandboxKeyringsJson {
  wechatpay: {
    /** What clients get (sandbox-keys.json without baseUrl). */
    published: Omit<WechatPaySandboxKeys, 'baseUrl'>;
    platformPrivateKeyPem: string;
    /** In the order of `published.platformCertificates`. */
    certificatePrivateKeyPems: string[];
  };
  huishouqian: Omit<HuishouqianSandboxKeys, 'baseUrl'> & { platformPrivateKeyPem: string };
}

export interface SandboxKeyrings {
  wechatpay: WechatPaySandboxKeyring;
  huishouqian: HuishouqianSandboxCredentials;
}

function pkcs8(key: { export(options: { type: 'pkcs8'; format: 'pem' }): string | Buffer }): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Fresh keys for both sandboxes (the slow part: ~10 RSA key pairs), as JSON. */
export async function generateSandboxKeyrings(): Promise<SandboxKeyringsJson> {
  const keyring = await createWechatPaySandboxKeyring(SANDBOX_MERCHANTS, 'public-key', new Date());
  const credentials = generateHuishouqianCredentials();
  return {
    wechatpay: {
      published: keyring.published,
      platformPrivateKeyPem: pkcs8(keyring.publicKeySigner.privateKey),
      certificatePrivateKeyPems: keyring.certificateSigners.map((signer) => pkcs8(signer.privateKey)),
    },
    huishouqian: {
      platformPrivateKeyPem: pkcs8(credentials.platformPrivateKey),
      platformPublicKeyPem: credentials.platformPublicKeyPem,
      agentMerchantNo: credentials.agentMerchantNo,
      merchants: credentials.merchants.map(({ merchantNo, name, privateKeyPem, signKey }) => ({ merchantNo, name, privateKeyPem, signKey })),
    },
  };
}

/** The keyring and credentials the sandbox starters take, rebuilt from their JSON form. */
export function sandboxKeyringsFromJson(json: SandboxKeyringsJson): SandboxKeyrings {
  const { published, platformPrivateKeyPem, certificatePrivateKeyPems } = json.wechatpay;
  const callers = new Map<string, CallerCredential>();
  for (const merchant of published.merchants) {
    // A sub-merchant's credentials are its service provider's: one caller per calling mchid.
    const mchid = merchant.spMchid ?? merchant.mchid;
    if (!callers.has(mchid))
      callers.set(mchid, { mchid, serialNo: merchant.serialNo, publicKey: createPublicKey(merchant.privateKeyPem), apiV3Key: merchant.apiV3Key });
  }
  const certificateSigners = published.platformCertificates.map(({ serialNo }, index) => {
    const pem = certificatePrivateKeyPems[index];
    if (pem === undefined) throw new Error(`no private key for platform certificate ${serialNo}`);
    return { serial: serialNo, privateKey: createPrivateKey(pem) };
  });
  const { platformPrivateKeyPem: huishouqianPlatformPem, ...huishouqian } = json.huishouqian;
  return {
    wechatpay: {
      publicKeySigner: { serial: published.platformPublicKeyId, privateKey: createPrivateKey(platformPrivateKeyPem) },
      certificateSigners,
      callers,
      published,
    },
    huishouqian: {
      platformPrivateKey: createPrivateKey(huishouqianPlatformPem),
      platformPublicKeyPem: huishouqian.platformPublicKeyPem,
      agentMerchantNo: huishouqian.agentMerchantNo,
      merchants: huishouqian.merchants.map((merchant) => ({ ...merchant, publicKey: createPublicKey(merchant.privateKeyPem) })),
    },
  };
}
