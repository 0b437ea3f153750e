import { sign } from 'node:crypto';
import type { Clock } from '../../providers/http/clock.js';
import type { PlatformSigner } from './keys.js';

/** The Wechatpay-* headers of a signed answer or notification (spec 5.2: `ts\nnonce\nbody\n`). */
export function signatureHeaders(body: Buffer, signer: PlatformSigner, clock: Clock, tamper = false): Record<string, string> {
  const timestamp = String(Math.floor(clock.now() / 1000));
  const nonce = clock.nonce(32);
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')]);
  const signature = sign('sha256', message, signer.privateKey);
  // A tampered signature keeps its shape (valid base64, right length) so only verification catches it.
  if (tamper) signature[0] = (signature[0] ?? 0) ^ 0xff;
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature.toString('base64'),
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}
