import { randomBytes } from 'node:crypto';

/** Time and randomness for protocol code, injected so signatures are reproducible under test. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A fresh random string of `length` characters from [0-9A-Za-z]. */
  nonce(length?: number): string;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomNonce(length = 32): string {
  // 62 does not divide 256: reject the top bytes so every character is equally likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const systemClock: Clock = { now: () => Date.now(), nonce: randomNonce };
