import { createDecipheriv } from 'node:crypto';
import { DecryptionError } from './errors.js';

const TAG_BYTES = 16;

export interface AeadFields {
  /** The APIv3 key; 32 bytes in production (the official SDK vectors also use 16-byte keys). */
  key: string;
  nonce: string;
  associatedData: string;
}

function cipherName(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  switch (key.length) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    case 32:
      return 'aes-256-gcm';
    default:
      throw new DecryptionError('The APIv3 key has the wrong length');
  }
}

/** AEAD_AES_256_GCM open (spec 5.3): base64 ciphertext whose last 16 bytes are the tag. */
export function decryptAesGcm(ciphertextBase64: string, fields: AeadFields): string {
  const key = Buffer.from(fields.key, 'utf8');
  const data = Buffer.from(ciphertextBase64, 'base64');
  if (data.length < TAG_BYTES) throw new DecryptionError('The ciphertext is shorter than its tag');
  try {
    const decipher = createDecipheriv(cipherName(key), key, Buffer.from(fields.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(fields.associatedData, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    if (error instanceof DecryptionError) throw error;
    throw new DecryptionError('The ciphertext does not authenticate (wrong key, nonce, associated data or tag)');
  }
}
