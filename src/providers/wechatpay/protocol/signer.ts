import { sign, type KeyObject } from 'node:crypto';
import type { Clock } from '../../http/clock.js';
import { formatAuthorization, requestSigningMessage } from './authorization.js';

/** SHA256withRSA (PKCS#1 v1.5), base64: the only signature APIv3 uses. */
export function signMessage(message: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64');
}

export interface RequestSignerOptions {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
  clock: Clock;
}

export type RequestSigner = (method: string, target: string, body: string) => string;

/** Returns the Authorization header for a request: `target` is the path and query exactly as sent. */
export function createRequestSigner(options: RequestSignerOptions): RequestSigner {
  const { mchid, serialNo, privateKey, clock } = options;
  return (method, target, body) => {
    const timestamp = Math.floor(clock.now() / 1000);
    const nonce = clock.nonce(32);
    const signature = signMessage(requestSigningMessage(method, target, timestamp, nonce, body), privateKey);
    return formatAuthorization({ mchid, nonce, signature, timestamp, serialNo });
  };
}
