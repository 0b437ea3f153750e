import { sign, verify, type KeyObject } from 'node:crypto';
import { ENVELOPE_FORMAT, ENVELOPE_VERSION, requestSignString, type RequestEnvelope } from './envelope.js';

/**
 * The pluggable signature rule. RSA2 is what third-party clients agree on; a deployment whose
 * production rule differs replaces this one piece (see README).
 */
export interface SignatureScheme {
  readonly signType: string;
  sign(text: string, privateKey: KeyObject): string;
  verify(text: string, signature: string, publicKey: KeyObject): boolean;
}

/** SHA256withRSA (PKCS#1 v1.5), lowercase hex; any RSA key size (1024 and 2048 seen). */
export const rsa2Scheme: SignatureScheme = {
  signType: 'RSA2',
  sign: (text, privateKey) => sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('hex'),
  verify: (text, signature, publicKey) => {
    if (!/^[0-9a-fA-F]+$/.test(signature) || signature.length % 2 !== 0) return false;
    try {
      return verify('sha256', Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'hex'));
    } catch {
      return false;
    }
  },
};

export interface RequestSignerOptions {
  merchantNo: string;
  privateKey: KeyObject;
  /** The merchant's shared secret, appended to the sign string as `key` and never sent. */
  signKey: string;
  scheme: SignatureScheme;
}

/** `(method, signContent)` → the form body: the six envelope fields plus `sign` (spec 3.1). */
export type RequestSigner = (method: string, signContent: string) => string;

export function createRequestSigner(options: RequestSignerOptions): RequestSigner {
  const { merchantNo, privateKey, signKey, scheme } = options;
  return (method, signContent) => {
    const envelope: RequestEnvelope = { method, version: ENVELOPE_VERSION, format: ENVELOPE_FORMAT, merchantNo, signType: scheme.signType, signContent };
    return new URLSearchParams({ ...envelope, sign: scheme.sign(requestSignString(envelope, signKey), privateKey) }).toString();
  };
}
