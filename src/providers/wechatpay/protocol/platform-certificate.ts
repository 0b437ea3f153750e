import { X509Certificate, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decryptAesGcm } from './aes-gcm.js';
import { DecryptionError, MalformedCertificateError } from './errors.js';

/** A platform certificate as the verifier needs it, with its validity (ms since the epoch). */
export interface PlatformCertificate {
  /** Upper-case hex, as WeChat spells it in `Wechatpay-Serial`. */
  serialNo: string;
  key: KeyObject;
  notBefore: number;
  notAfter: number;
}

const ASSOCIATED_DATA = 'certificate';

/** The answer of `GET /v3/certificates` (spec 5.2); unknown keys are ignored. */
export const certificateDownloadSchema = z.object({
  data: z.array(
    z.object({
      serial_no: z.string().min(1).max(64),
      effective_time: z.string().optional(),
      expire_time: z.string().optional(),
      encrypt_certificate: z.object({
        algorithm: z.literal('AEAD_AES_256_GCM'),
        nonce: z.string().min(1),
        associated_data: z.string().optional(),
        ciphertext: z.string().min(1),
      }),
    }),
  ),
});

export type CertificateDownload = z.infer<typeof certificateDownloadSchema>;

/** PEM → certificate; the validity comes from the certificate itself, not from the answer's times. */
export function platformCertificateFromPem(pem: string): PlatformCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new MalformedCertificateError('The platform certificate is not a PEM X.509 certificate');
  }
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) throw new MalformedCertificateError('The platform certificate has an unreadable validity');
  return { serialNo: certificate.serialNumber.toUpperCase(), key: certificate.publicKey, notBefore, notAfter };
}

/**
 * Opens every `encrypt_certificate` of a download with the APIv3 key (spec 5.3). The serial the
 * answer names must be the certificate's own: otherwise a listed serial could point at another key.
 * The caller must have verified the answer's signature with a key it already trusted.
 */
export function openCertificateDownload(download: CertificateDownload, apiV3Key: string): PlatformCertificate[] {
  return download.data.map((entry) => {
    const { nonce, ciphertext, associated_data: associatedData = ASSOCIATED_DATA } = entry.encrypt_certificate;
    const pem = decryptAesGcm(ciphertext, { key: apiV3Key, nonce, associatedData });
    const certificate = platformCertificateFromPem(pem);
    if (certificate.serialNo !== entry.serial_no.toUpperCase()) {
      throw new DecryptionError('A downloaded platform certificate does not carry the serial it is listed under');
    }
    return certificate;
  });
}

/** The certificates valid at `now`, newest first (latest `notBefore`): the first one is the one to ask for. */
export function validCertificates(certificates: readonly PlatformCertificate[], now: number): PlatformCertificate[] {
  return certificates.filter((certificate) => certificate.notBefore <= now && now < certificate.notAfter).sort((a, b) => b.notBefore - a.notBefore);
}
