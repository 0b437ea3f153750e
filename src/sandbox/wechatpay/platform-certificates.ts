import { generateKeyPair, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../../providers/http/clock.js';
import type { PlatformSigner, WechatPaySandboxKeyring } from './keys.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

const generateRsa = promisify(generateKeyPair);

/** WeChat Pay platform certificates are issued for five years. */
const VALIDITY_MS = 5 * 365 * 86_400_000;

export interface SandboxPlatformCertificate {
  signer: PlatformSigner;
  pem: string;
  /** Milliseconds since the epoch, read from the certificate itself. */
  notBefore: number;
  notAfter: number;
}

export interface SandboxPlatformCertificates {
  /** The certificates `GET /v3/certificates` lists: every one not yet expired, newest first. */
  listed(): SandboxPlatformCertificate[];
  /** The newest certificate in force: certificate mode signs answers and notifications with it. */
  newestSigner(): PlatformSigner | undefined;
  /** The signer of a listed certificate, for a request that names its serial. */
  signer(serial: string): PlatformSigner | undefined;
  /** Issues a new certificate that signs from now on; the older ones stay listed until they expire. */
  rotate(): Promise<SandboxPlatformCertificate>;
}

function fromPem(signer: PlatformSigner, pem: string): SandboxPlatformCertificate {
  const certificate = new X509Certificate(pem);
  return { signer, pem, notBefore: Date.parse(certificate.validFrom), notAfter: Date.parse(certificate.validTo) };
}

/**
 * One sandbox's platform certificates. A keyring may be shared by many sandboxes in a test run, so
 * rotations live here, per sandbox, and never change the keyring.
 */
export function createSandboxPlatformCertificates(keyring: WechatPaySandboxKeyring, clock: Clock): SandboxPlatformCertificates {
  const certificates = keyring.certificateSigners.map((signer) => {
    const published = keyring.published.platformCertificates.find((entry) => entry.serialNo === signer.serial);
    if (published === undefined) throw new Error('the keyring publishes no certificate for one of its signers');
    return fromPem(signer, published.certificatePem);
  });
  const listed = (): SandboxPlatformCertificate[] =>
    certificates.filter((certificate) => certificate.notAfter > clock.now()).sort((a, b) => b.notBefore - a.notBefore);
  return {
    listed,
    newestSigner: () => listed().find((certificate) => certificate.notBefore <= clock.now())?.signer,
    signer: (serial) => listed().find((certificate) => certificate.signer.serial === serial.toUpperCase())?.signer,
    async rotate() {
      const pair = await generateRsa('rsa', { modulusLength: 2048 });
      // X.509 times have whole seconds: start at the current second so the new one is valid at once.
      const now = Math.floor(clock.now() / 1000) * 1000;
      const issued = createSelfSignedCertificate({ ...pair, commonName: 'Tenpay.com sign', notBefore: new Date(now), notAfter: new Date(now + VALIDITY_MS) });
      const certificate = fromPem({ serial: issued.serialNo, privateKey: pair.privateKey }, issued.pem);
      certificates.push(certificate);
      return certificate;
    },
  };
}
