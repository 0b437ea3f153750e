import { verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../../http/clock.js';
import { responseSigningMessage } from './authorization.js';
import { MissingSignatureError, SignatureMismatchError, TimestampSkewError, UnknownSerialError } from './errors.js';

/** The signed parts of an answer or notification, from its Wechatpay-* headers and raw body. */
export interface SignedMessage {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  serial: string | undefined;
  body: string;
}

export interface VerifierOptions {
  /** Public key mode: `PUB_KEY_ID_...` → key. */
  publicKeys: readonly { id: string; key: KeyObject }[];
  /**
   * Certificate mode: certificate serial → key; several at once so keys can rotate. A function is
   * read on every verification, so a downloaded set takes effect without rebuilding the verifier.
   */
  certificates: readonly PlatformKey[] | (() => readonly PlatformKey[]);
  clock: Clock;
  /** Official SDKs accept 5 minutes either way. */
  toleranceSeconds?: number;
}

export interface PlatformKey {
  serialNo: string;
  key: KeyObject;
}

export type Verifier = (message: SignedMessage) => void;

const PUBLIC_KEY_PREFIX = 'PUB_KEY_ID_';

/**
 * Verifies SHA256withRSA over `ts\nnonce\nbody\n` with the key the serial names (spec 5.2):
 * `PUB_KEY_ID_...` selects public key mode, anything else a platform certificate, which also covers
 * a migration in which both kinds arrive. Throws; returns nothing, so unverified data has no path on.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const { clock, toleranceSeconds = 300 } = options;
  const publicKeys = new Map(options.publicKeys.map(({ id, key }) => [id, key]));
  const source = options.certificates;
  const readCertificates: () => readonly PlatformKey[] = typeof source === 'function' ? source : () => source;
  const certificate = (serial: string): KeyObject | undefined => {
    const wanted = serial.toUpperCase();
    return readCertificates().find((entry) => entry.serialNo.toUpperCase() === wanted)?.key;
  };

  return ({ timestamp, nonce, signature, serial, body }) => {
    if (!timestamp || !nonce || !signature || !serial) throw new MissingSignatureError('The answer carries no WeChat Pay signature headers');
    const key = serial.startsWith(PUBLIC_KEY_PREFIX) ? publicKeys.get(serial) : certificate(serial);
    if (key === undefined) throw new UnknownSerialError(`No WeChat Pay key is configured for serial ${serial.slice(0, 64)}`);
    if (!/^\d{1,12}$/.test(timestamp)) throw new TimestampSkewError('The signature timestamp is not a number of seconds');
    const skew = Math.abs(Math.floor(clock.now() / 1000) - Number(timestamp));
    if (skew >= toleranceSeconds) throw new TimestampSkewError(`The signature timestamp is ${skew} s away from now`);
    const message = Buffer.from(responseSigningMessage(timestamp, nonce, body), 'utf8');
    // Probes (`WECHATPAY/SIGNTEST/...`) and garbage fail here like any forgery.
    let valid = false;
    try {
      valid = verify('sha256', message, key, Buffer.from(signature, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) throw new SignatureMismatchError('The WeChat Pay signature does not verify');
  };
}
