import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { describe, expect, it } from 'vitest';
import { createFixedClock } from '../../../helpers/fixed-clock.js';
import { decryptAesGcm } from '../../../../src/providers/wechatpay/protocol/aes-gcm.js';
import { encryptAesGcm } from '../../../helpers/wechatpay-encryption.js';
import { requestSigningMessage, responseSigningMessage } from '../../../../src/providers/wechatpay/protocol/authorization.js';
import {
  DecryptionError,
  MissingSignatureError,
  SignatureMismatchError,
  TimestampSkewError,
  UnknownSerialError,
} from '../../../../src/providers/wechatpay/protocol/errors.js';
import { detectImageType } from '../../../../src/providers/image-type.js';
import { prepareImageUpload } from '../../../../src/providers/wechatpay/protocol/image.js';
import { loadPrivateKey } from '../../../helpers/key-loaders.js';
import { openNotification } from '../../../../src/providers/wechatpay/protocol/notification.js';
import { decryptOaep } from '../../../../src/providers/wechatpay/protocol/rsa-oaep.js';
import { encryptOaep } from '../../../helpers/wechatpay-encryption.js';
import { createRequestSigner, signMessage } from '../../../../src/providers/wechatpay/protocol/signer.js';
import { createVerifier } from '../../../../src/providers/wechatpay/protocol/verifier.js';
import { DERIVED, TK_PEM, V1, V2, V3, V5 } from '../../../fixtures/wechatpay-vectors.js';

const tk = loadPrivateKey(TK_PEM);
const tkPublic = createPublicKey(tk);
const tkPublicPem = tkPublic.export({ type: 'spki', format: 'pem' }).toString();

function verifierAt(nowMs: number, serial = 'PUB_KEY_ID_0114232134912410000000000000') {
  return createVerifier({
    publicKeys: [{ id: serial, key: tkPublic }],
    certificates: [{ serialNo: 'D7CE59D1F522D701', key: tkPublic }],
    clock: createFixedClock(nowMs),
  });
}

describe('request signing (spec 5.1)', () => {
  it('matches the official SHA256withRSA vector V1', () => {
    expect(signMessage(V1.message, tk)).toBe(V1.signature);
  });

  it.each([DERIVED.d1, DERIVED.d2, DERIVED.d3])('matches the derived vector for $method $target', (vector) => {
    const message = requestSigningMessage(vector.method, vector.target, DERIVED.timestamp, DERIVED.requestNonce, vector.body);
    expect(signMessage(message, tk)).toBe(vector.signature);
  });

  it('builds the same signing string and signature as the independent wechatpay-axios-plugin', () => {
    const { d2 } = DERIVED;
    const ours = requestSigningMessage(d2.method, d2.target, DERIVED.timestamp, DERIVED.requestNonce, d2.body);
    expect(ours).toBe(Formatter.request(d2.method, d2.target, DERIVED.timestamp, DERIVED.requestNonce, d2.body));
    expect(signMessage(ours, tk)).toBe(Rsa.sign(ours, Rsa.from(TK_PEM, Rsa.KEY_TYPE_PRIVATE)));
  });

  it('puts the signed timestamp and nonce into the Authorization header the oracle verifies', () => {
    const sign = createRequestSigner({
      mchid: '1900012181',
      serialNo: 'ABC123',
      privateKey: tk,
      clock: createFixedClock(DERIVED.timestamp * 1000, [DERIVED.requestNonce]),
    });
    const header = sign('GET', DERIVED.d1.target, '');
    const fields = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(header.startsWith('WECHATPAY2-SHA256-RSA2048 ')).toBe(true);
    expect(fields).toMatchObject({
      mchid: '1900012181',
      nonce_str: DERIVED.requestNonce,
      timestamp: String(DERIVED.timestamp),
      serial_no: 'ABC123',
      signature: DERIVED.d1.signature,
    });
    const message = Formatter.request('GET', DERIVED.d1.target, DERIVED.timestamp, DERIVED.requestNonce, '');
    expect(Rsa.verify(message, fields['signature'] as string, Rsa.from(tkPublicPem, Rsa.KEY_TYPE_PUBLIC))).toBe(true);
  });
});

describe('answer verification (spec 5.2)', () => {
  const now = DERIVED.timestamp * 1000;
  const signed = (body: string, signature: string, serial = 'PUB_KEY_ID_0114232134912410000000000000') => ({
    timestamp: String(DERIVED.timestamp),
    nonce: DERIVED.responseNonce,
    signature,
    serial,
    body,
  });

  it('accepts the derived 204 and JSON answers in public key and certificate mode', () => {
    expect(() => verifierAt(now)(signed(DERIVED.d4.body, DERIVED.d4.signature))).not.toThrow();
    expect(() => verifierAt(now)(signed(DERIVED.d5.body, DERIVED.d5.signature, 'D7CE59D1F522D701'))).not.toThrow();
    expect(responseSigningMessage(String(DERIVED.timestamp), DERIVED.responseNonce, '')).toBe(Formatter.response(DERIVED.timestamp, DERIVED.responseNonce, ''));
  });

  it('rejects a tampered body, an unknown serial, missing headers and a probe', () => {
    const verify = verifierAt(now);
    expect(() => verify(signed(DERIVED.d5.body.replace('xxx', 'yyy'), DERIVED.d5.signature))).toThrow(SignatureMismatchError);
    expect(() => verify(signed(DERIVED.d5.body, DERIVED.d5.signature, 'PUB_KEY_ID_UNKNOWN'))).toThrow(UnknownSerialError);
    expect(() => verify(signed(DERIVED.d5.body, DERIVED.d5.signature, 'ABCDEF0123'))).toThrow(UnknownSerialError);
    expect(() => verify({ ...signed(DERIVED.d5.body, DERIVED.d5.signature), signature: undefined })).toThrow(MissingSignatureError);
    expect(() => verify(signed(DERIVED.d5.body, 'WECHATPAY/SIGNTEST/ABCDEFGHIJKLMN'))).toThrow(SignatureMismatchError);
  });

  it('rejects timestamps five minutes or more away, either way', () => {
    expect(() => verifierAt(now + 299_000)(signed(DERIVED.d4.body, DERIVED.d4.signature))).not.toThrow();
    expect(() => verifierAt(now + 300_000)(signed(DERIVED.d4.body, DERIVED.d4.signature))).toThrow(TimestampSkewError);
    expect(() => verifierAt(now - 300_000)(signed(DERIVED.d4.body, DERIVED.d4.signature))).toThrow(TimestampSkewError);
  });

  it('agrees with the oracle on a signature made by a key it generated', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const body = '{"hello":"世界"}';
    const signature = Rsa.sign(
      Formatter.response(DERIVED.timestamp, 'n0nce', body),
      Rsa.from(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), Rsa.KEY_TYPE_PRIVATE),
    );
    const verify = createVerifier({ publicKeys: [{ id: 'PUB_KEY_ID_X', key: publicKey }], certificates: [], clock: createFixedClock(now) });
    expect(() => verify({ timestamp: String(DERIVED.timestamp), nonce: 'n0nce', signature, serial: 'PUB_KEY_ID_X', body })).not.toThrow();
  });
});

describe('AEAD_AES_256_GCM (spec 5.3)', () => {
  it('matches the official vectors V3 (AES-256) and V5 (AES-128) both ways', () => {
    expect(encryptAesGcm(V3.plaintext, V3)).toBe(V3.ciphertext);
    expect(decryptAesGcm(V3.ciphertext, V3)).toBe(V3.plaintext);
    expect(decryptAesGcm(V5.ciphertext, V5)).toBe(V5.plaintext);
  });

  it('interoperates with the oracle', () => {
    const sealed = Aes.AesGcm.encrypt('{"complaint_id":"1"}', V3.key, V3.nonce, 'complaint');
    expect(decryptAesGcm(sealed, { key: V3.key, nonce: V3.nonce, associatedData: 'complaint' })).toBe('{"complaint_id":"1"}');
    expect(Aes.AesGcm.decrypt(encryptAesGcm('x', { key: V3.key, nonce: V3.nonce, associatedData: '' }), V3.key, V3.nonce, '')).toBe('x');
  });

  it.each([
    ['a wrong key', { ...V3, key: 'b'.repeat(32) }],
    ['wrong associated data', { ...V3, associatedData: 'other' }],
    ['a wrong nonce', { ...V3, nonce: 'aaaaaaaaaaaa' }],
    ['a key of a bad length', { ...V3, key: 'short' }],
  ])('fails with %s', (_, fields) => {
    expect(() => decryptAesGcm(V3.ciphertext, fields)).toThrow(DecryptionError);
  });

  it('fails on a flipped tag or ciphertext bit', () => {
    const bytes = Buffer.from(V3.ciphertext, 'base64');
    for (const index of [0, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[index] = (tampered[index] ?? 0) ^ 1;
      expect(() => decryptAesGcm(tampered.toString('base64'), V3)).toThrow(DecryptionError);
    }
  });
});

describe('RSA-OAEP sensitive fields (spec 5.4)', () => {
  it('decrypts the derived payer_phone vector', () => {
    expect(decryptOaep(DERIVED.d7.ciphertext, tk)).toBe(DERIVED.d7.plaintext);
  });

  it('interoperates with the oracle both ways and fails with another key', () => {
    const oracleSealed = Rsa.encrypt('13900139000', Rsa.from(tkPublicPem, Rsa.KEY_TYPE_PUBLIC));
    expect(decryptOaep(oracleSealed, tk)).toBe('13900139000');
    expect(Rsa.decrypt(encryptOaep('13700137000', tkPublic), Rsa.from(TK_PEM, Rsa.KEY_TYPE_PRIVATE))).toBe('13700137000');
    const { privateKey: other } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => decryptOaep(DERIVED.d7.ciphertext, other)).toThrow(DecryptionError);
  });
});

describe('notifications (spec 4)', () => {
  it('verifies and decrypts the official notification V2 (certificate mode, 16-byte key)', () => {
    const opened = openNotification(V2.headers, Buffer.from(V2.body), verifierAt(V2.now), V2.apiV3Key);
    expect(opened.id).toBe('3119dfba-e649-5eec-ab1e-3412bc4d2e17');
    expect(opened.resource).toEqual(JSON.parse(V2.plaintext));
  });

  it('verifies and decrypts the derived complaint notification D6', () => {
    const headers = {
      'wechatpay-timestamp': String(DERIVED.timestamp),
      'wechatpay-nonce': DERIVED.responseNonce,
      'wechatpay-serial': 'D7CE59D1F522D701',
      'wechatpay-signature': DERIVED.d6.signature,
    };
    const opened = openNotification(headers, Buffer.from(DERIVED.d6.body), verifierAt(DERIVED.timestamp * 1000), DERIVED.d6.apiV3Key);
    expect(opened).toMatchObject({ id: 'EV-2018022511223320873', eventType: 'COMPLAINT.CREATE', resource: JSON.parse(DERIVED.d6.plaintext) });
  });

  it('refuses a probe and a forged body before decrypting anything', () => {
    const headers = { ...V2.headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${V2.headers['wechatpay-signature']}` };
    expect(() => openNotification(headers, Buffer.from(V2.body), verifierAt(V2.now), V2.apiV3Key)).toThrow(SignatureMismatchError);
    expect(() => openNotification(V2.headers, Buffer.from(V2.body.replace('签约成功', '签约失败')), verifierAt(V2.now), V2.apiV3Key)).toThrow(
      SignatureMismatchError,
    );
  });
});

describe('image upload preparation (spec 3.9)', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('detects the type by content, renames accordingly and signs the meta JSON', () => {
    expect(detectImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpg');
    expect(detectImageType(Buffer.from('BM....'))).toBe('bmp');
    const prepared = prepareImageUpload('evidence.jpg', png);
    expect(prepared.filename).toBe('evidence.png');
    expect(JSON.parse(prepared.meta)).toEqual({ filename: 'evidence.png', sha256: createHash('sha256').update(png).digest('hex') });
  });

  it('refuses a non-image whatever its name, an empty file and one over 2 MB', () => {
    expect(() => prepareImageUpload('photo.png', Buffer.from('GIF89a'))).toThrow(/not a JPG, PNG or BMP/);
    expect(() => prepareImageUpload('photo.png', Buffer.alloc(0))).toThrow(/empty/);
    expect(() => prepareImageUpload('photo.png', Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]))).toThrow(/at most/);
  });
});
