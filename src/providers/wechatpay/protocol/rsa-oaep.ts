import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import { DecryptionError } from './errors.js';

// WeChat's sensitive fields use OAEP with SHA-1 and MGF1-SHA-1 (spec 5.4), not SHA-256.
const PADDING = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;

export function decryptOaep(ciphertextBase64: string, privateKey: KeyObject): string {
  try {
    return privateDecrypt({ key: privateKey, ...PADDING }, Buffer.from(ciphertextBase64, 'base64')).toString('utf8');
  } catch {
    throw new DecryptionError('The sensitive field does not decrypt with the merchant key');
  }
}
