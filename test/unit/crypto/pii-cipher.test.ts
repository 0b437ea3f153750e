import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPiiCipher } from '../../../src/crypto/pii-cipher.js';
import type { SealedPii } from '../../../src/domain/complaint.js';

const secret = (text: string) => createSecretKey(Buffer.from(text, 'utf8'));
const PHONE = '13812345678';

/** The sealed value with one byte of its payload flipped (prefix kept). */
function flipPayloadByte(value: SealedPii, index: number): SealedPii {
  const dot = value.sealed.lastIndexOf('.');
  const bytes = Buffer.from(value.sealed.slice(dot + 1), 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return { kind: 'SEALED', sealed: `${value.sealed.slice(0, dot + 1)}${bytes.toString('base64url')}` };
}

describe('PII cipher (AES-256-GCM)', () => {
  const cipher = createPiiCipher(secret('a shared secret of at least thirty-two characters'));

  it('opens what it sealed, and the sealed text shows neither the value nor its digits', () => {
    for (const text of [PHONE, 'o0WuojAbCdEfGhIjKlMnOpQrStUv', '', '手机 13800138000']) {
      const sealed = cipher.seal(text);
      expect(sealed.kind).toBe('SEALED');
      expect(sealed.sealed.startsWith(`p1.${cipher.keyId}.`)).toBe(true);
      expect(cipher.open(sealed)).toBe(text);
    }
    expect(cipher.seal(PHONE).sealed).not.toMatch(/\d{11}/);
  });

  it('uses a fresh IV per value: the same text seals differently each time', () => {
    const values = new Set(Array.from({ length: 50 }, () => cipher.seal(PHONE).sealed));
    expect(values.size).toBe(50);
  });

  it('the same secret gives the same key on another instance; another secret does not', () => {
    const twin = createPiiCipher(secret('a shared secret of at least thirty-two characters'));
    expect(twin.keyId).toBe(cipher.keyId);
    expect(twin.open(cipher.seal(PHONE))).toBe(PHONE);

    const other = createPiiCipher(createSecretKey(randomBytes(32)));
    expect(other.keyId).not.toBe(cipher.keyId);
    expect(other.open(cipher.seal(PHONE))).toBeNull();
  });

  it('a wrong key fails even when the value claims its key id', () => {
    const other = createPiiCipher(createSecretKey(randomBytes(32)));
    const sealed = cipher.seal(PHONE);
    const relabelled = { kind: 'SEALED' as const, sealed: sealed.sealed.replace(`.${cipher.keyId}.`, `.${other.keyId}.`) };
    expect(other.open(relabelled)).toBeNull();
  });

  it('any altered byte (IV, ciphertext, tag) or prefix fails instead of opening to something else', () => {
    const sealed = cipher.seal(PHONE);
    const length = Buffer.from(sealed.sealed.slice(sealed.sealed.lastIndexOf('.') + 1), 'base64url').length;
    expect(length).toBe(12 + PHONE.length + 16);
    for (let index = 0; index < length; index++) expect(cipher.open(flipPayloadByte(sealed, index))).toBeNull();
    expect(cipher.open({ kind: 'SEALED', sealed: sealed.sealed.replace(/^p1\./, 'p2.') })).toBeNull();
    // Cut short: what remains is no valid value.
    expect(cipher.open({ kind: 'SEALED', sealed: sealed.sealed.slice(0, -4) })).toBeNull();
    expect(cipher.open({ kind: 'SEALED', sealed: `p1.${cipher.keyId}.` })).toBeNull();
    expect(cipher.open({ kind: 'SEALED', sealed: PHONE })).toBeNull();
  });
});
