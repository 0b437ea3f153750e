import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { SealedPii } from '../domain/complaint.js';
import { deriveKey } from './derived-key.js';

/** The format's version: a later format gets another, and this one then reads as "not this key's". */
const VERSION = 'p1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals personal data (payer phones and openids) before it can reach a cache: AES-256-GCM with a
 * random 12-byte IV per value, as `p1.<keyId>.<base64url(iv | ciphertext | tag)>`. The prefix is
 * authenticated too (AAD), so neither the version nor the key id can be swapped.
 */
export interface PiiCipher {
  /** Names the key in every value it seals (a digest: it reveals nothing of the key). */
  readonly keyId: string;
  seal(text: string): SealedPii;
  /**
   * The text, or null when this key cannot open the value: sealed under another key (another
   * instance's per-process key, or before a key change) or altered. Callers read the value again
   * from the provider then; it is never an error for the caller.
   */
  open(value: SealedPii): string | null;
}

/**
 * A cipher whose AES key is derived (HKDF) from `secret`: `pii.encryptionKey` when configured, else
 * the media token secret. Instances configured alike derive the same key and open each other's values.
 */
export function createPiiCipher(secret: KeyObject): PiiCipher {
  const key = deriveKey(secret, 'pii-encryption');
  const keyId = createHmac('sha256', key).update('complaint-gateway:pii-key-id').digest('base64url').slice(0, 8);
  const prefix = `${VERSION}.${keyId}.`;
  const aad = Buffer.from(prefix, 'utf8');
  return {
    keyId,
    seal(text) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return { kind: 'SEALED', sealed: prefix + Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url') };
    },
    open(value) {
      if (!value.sealed.startsWith(prefix)) return null;
      const bytes = Buffer.from(value.sealed.slice(prefix.length), 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES }).setAAD(aad);
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}

/** A key of this process only: what an account gets when its builder passes none (tests, tools). */
export function createProcessPiiCipher(): PiiCipher {
  return createPiiCipher(createSecretKey(randomBytes(32)));
}
