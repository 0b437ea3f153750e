import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

// Key loading for tests; the gateway loads its keys from configuration (src/config/secrets.ts).

/** PEM private key (PKCS#1 or PKCS#8) → KeyObject; the PEM text need not be kept anywhere. */
export function loadPrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('WeChat Pay keys are RSA keys');
  return key;
}

/** A WeChat Pay public key PEM (public key mode) → KeyObject. */
export function loadPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('WeChat Pay keys are RSA keys');
  return key;
}

/** A platform certificate PEM → its serial (uppercase hex, as WeChat spells it) and public key. */
export function loadCertificate(pem: string): { serialNo: string; key: KeyObject } {
  const certificate = new X509Certificate(pem);
  return { serialNo: certificate.serialNumber.toUpperCase(), key: certificate.publicKey };
}
