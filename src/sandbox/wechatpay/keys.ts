import { generateKeyPair, randomInt, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { systemClock } from '../../providers/http/clock.js';
import type { WechatPaySandboxKeys } from '../sandbox-keys.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import type { SandboxMerchant } from './seed.js';

const generateRsa = promisify(generateKeyPair);

/** A key the sandbox signs with: the platform public key (`PUB_KEY_ID_...`) or a platform certificate. */
export interface PlatformSigner {
  serial: string;
  privateKey: KeyObject;
}

/** One calling merchant's API credentials (a direct merchant, or a service provider for its sub-merchants). */
export interface CallerCredential {
  mchid: string;
  serialNo: string;
  publicKey: KeyObject;
  apiV3Key: string;
}

export interface WechatPaySandboxKeyring {
  publicKeySigner: PlatformSigner;
  certificateSigners: PlatformSigner[];
  callers: Map<string, CallerCredential>;
  /** What clients need; PEMs only here, for sandbox-keys.json. */
  published: Omit<WechatPaySandboxKeys, 'baseUrl'>;
}

async function rsaKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return generateRsa('rsa', { modulusLength: 2048 });
}

function hexSerial(): string {
  let out = '';
  for (let i = 0; i < 40; i++) out += '0123456789ABCDEF'[randomInt(16)];
  return out;
}

/** Fresh keys for one run: one RSA-2048 key per calling merchant, the platform key and two certificates. */
export async function createWechatPaySandboxKeyring(
  merchants: readonly SandboxMerchant[],
  keyMode: 'public-key' | 'certificate',
  now: Date,
): Promise<WechatPaySandboxKeyring> {
  const callerIds = [...new Set(merchants.map((merchant) => merchant.spMchid ?? merchant.mchid))];
  const [platform, certA, certB, ...callerPairs] = await Promise.all([rsaKeyPair(), rsaKeyPair(), rsaKeyPair(), ...callerIds.map(() => rsaKeyPair())]);
  if (platform === undefined || certA === undefined || certB === undefined) throw new Error('key generation failed');
  const publicKeyId = `PUB_KEY_ID_01${Array.from({ length: 30 }, () => randomInt(10)).join('')}`;
  const year = 365 * 86_400_000;
  // Two certificates so clients can exercise rotation: the newer one signs by default.
  const certificates = [certB, certA].map((pair, index) => ({
    pair,
    cert: createSelfSignedCertificate({
      ...pair,
      commonName: 'Tenpay.com sign',
      notBefore: new Date(now.getTime() - (index + 1) * year),
      notAfter: new Date(now.getTime() + (5 - index) * year),
    }),
  }));
  const callers = new Map<string, CallerCredential>();
  const privateKeys = new Map<string, KeyObject>();
  callerIds.forEach((mchid, index) => {
    const pair = callerPairs[index];
    if (pair === undefined) throw new Error('key generation failed');
    callers.set(mchid, { mchid, serialNo: hexSerial(), publicKey: pair.publicKey, apiV3Key: systemClock.nonce(32) });
    privateKeys.set(mchid, pair.privateKey);
  });
  return {
    publicKeySigner: { serial: publicKeyId, privateKey: platform.privateKey },
    certificateSigners: certificates.map(({ pair, cert }) => ({ serial: cert.serialNo, privateKey: pair.privateKey })),
    callers,
    published: {
      platformPublicKeyId: publicKeyId,
      platformPublicKeyPem: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyMode,
      platformCertificates: certificates.map(({ cert }) => ({ serialNo: cert.serialNo, certificatePem: cert.pem })),
      merchants: merchants.map((merchant) => {
        const callerId = merchant.spMchid ?? merchant.mchid;
        const caller = callers.get(callerId);
        const privateKey = privateKeys.get(callerId);
        if (caller === undefined || privateKey === undefined) throw new Error('key generation failed');
        return {
          mchid: merchant.mchid,
          name: merchant.name,
          kind: merchant.spMchid === undefined ? ('direct' as const) : ('sub' as const),
          ...(merchant.spMchid === undefined ? {} : { spMchid: merchant.spMchid }),
          serialNo: caller.serialNo,
          privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          apiV3Key: caller.apiV3Key,
        };
      }),
    },
  };
}
