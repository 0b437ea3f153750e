import { constants, createCipheriv, publicEncrypt, type KeyObject } from 'node:crypto';
import type { AeadFields } from '../../src/providers/wechatpay/protocol/aes-gcm.js';

// The sealing sides of WeChat Pay's ciphers: the gateway only opens, tests need to seal.

/** AEAD_AES_256_GCM seal (spec 5.3), WeChat's layout: base64 of ciphertext followed by the 16-byte tag. */
export function encryptAesGcm(plaintext: string, fields: AeadFields): string {
  const key = Buffer.from(fields.key, 'utf8');
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, Buffer.from(fields.nonce, 'utf8'));
  cipher.setAAD(Buffer.from(fields.associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

/** A sensitive field as WeChat encrypts it: RSA-OAEP with SHA-1 and MGF1-SHA-1 (spec 5.4). */
export function encryptOaep(plaintext: string, publicKey: KeyObject): string {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plaintext, 'utf8')).toString('base64');
}
