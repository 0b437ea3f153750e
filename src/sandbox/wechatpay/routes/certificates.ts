import { createCipheriv } from 'node:crypto';
import type { Clock } from '../../../providers/http/clock.js';
import { beijingTime } from '../../beijing-time.js';
import { SandboxApiError } from '../api-error.js';
import type { SandboxPlatformCertificates } from '../platform-certificates.js';
import type { Route } from '../route.js';

/** The associated data WeChat uses for every encrypted certificate (spec 5.2). */
const ASSOCIATED_DATA = 'certificate';

export interface CertificateRouteOptions {
  certificates: SandboxPlatformCertificates;
  /** By calling mchid: each caller gets the certificates encrypted with its own APIv3 key. */
  callers: ReadonlyMap<string, { apiV3Key: string }>;
  clock: Clock;
}

/** AEAD_AES_256_GCM seal (spec 5.3): base64 of ciphertext followed by the 16-byte tag. */
function seal(plaintext: string, key: string, nonce: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(ASSOCIATED_DATA, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/** `GET /v3/certificates`: the platform certificates of certificate mode, signed like every answer. */
export function createCertificateRoutes(options: CertificateRouteOptions): Route[] {
  return [
    {
      name: 'downloadCertificates',
      method: 'GET',
      path: '/v3/certificates',
      handle(request) {
        const key = options.callers.get(request.caller)?.apiV3Key;
        if (key === undefined) throw new SandboxApiError(500, 'SYSTEM_ERROR', 'unknown caller');
        const data = options.certificates.listed().map((certificate) => {
          const nonce = options.clock.nonce(12);
          return {
            serial_no: certificate.signer.serial,
            effective_time: beijingTime(certificate.notBefore),
            expire_time: beijingTime(certificate.notAfter),
            encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: ASSOCIATED_DATA, ciphertext: seal(certificate.pem, key, nonce) },
          };
        });
        return { status: 200, json: { data } };
      },
    },
  ];
}
