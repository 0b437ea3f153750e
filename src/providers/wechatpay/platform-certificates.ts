import type { Clock } from '../http/clock.js';
import { openCertificateDownload, validCertificates, type CertificateDownload, type PlatformCertificate } from './protocol/platform-certificate.js';

/** Default refresh period: WeChat lists a new certificate well before it signs with it, so twice a day is enough. */
export const DEFAULT_CERTIFICATE_REFRESH_MS = 12 * 60 * 60 * 1000;

export interface PlatformCertificatesOptions {
  /** The configured certificates: trusted from the start, and kept while they are valid. */
  configured: readonly PlatformCertificate[];
  apiV3Key: string;
  clock: Clock;
  /**
   * `GET /v3/certificates` through the account's client, whose verifier reads `current()`: the
   * answer must verify with a key trusted before it arrived, never with a certificate it carries.
   * Absent: nothing is downloaded and the configured certificates are all there is.
   */
  download?: () => Promise<CertificateDownload>;
  /** Default 12 h. */
  refreshIntervalMs?: number;
  /** A failed periodic refresh (the old set stays in use); the error carries no key material. */
  onRefreshError?: (error: unknown) => void;
}

export interface PlatformCertificates {
  /** The certificates valid now, newest first: what the verifier trusts. */
  current(): readonly PlatformCertificate[];
  /** The newest valid certificate's serial, for `Wechatpay-Serial`; undefined when none is valid. */
  newestSerial(): string | undefined;
  /**
   * Downloads, verifies and opens the certificates and, only when all of that succeeds, makes them
   * the trusted set. Throws otherwise, leaving the set as it was. Concurrent calls share one download.
   */
  refresh(): Promise<readonly PlatformCertificate[]>;
  /** Downloads once now and then every `refreshIntervalMs`; the timer does not keep the process alive. */
  start(): void;
  close(): void;
}

/**
 * The account's trusted platform certificates (certificate mode, spec 5.2) and their periodic
 * download. Certificates drop out when they expire; the ones a download no longer lists stay while
 * they are valid, because notifications already on their way may be signed with them.
 */
export function createPlatformCertificates(options: PlatformCertificatesOptions): PlatformCertificates {
  const { apiV3Key, clock, download, refreshIntervalMs = DEFAULT_CERTIFICATE_REFRESH_MS, onRefreshError } = options;
  const known = new Map<string, PlatformCertificate>(options.configured.map((certificate) => [certificate.serialNo, certificate]));
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<readonly PlatformCertificate[]> | undefined;
  let closed = false;

  const current = (): readonly PlatformCertificate[] => validCertificates([...known.values()], clock.now());

  async function downloadOnce(): Promise<readonly PlatformCertificate[]> {
    if (download === undefined) return current();
    // All or nothing: one entry that does not open fails the whole download.
    const opened = openCertificateDownload(await download(), apiV3Key);
    // Kept even when not yet valid: WeChat lists a new certificate before it signs with it.
    for (const certificate of opened) known.set(certificate.serialNo, certificate);
    for (const [serial, certificate] of known) if (certificate.notAfter <= clock.now()) known.delete(serial);
    return current();
  }

  function refresh(): Promise<readonly PlatformCertificate[]> {
    pending ??= downloadOnce().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  function refreshInBackground(): void {
    refresh().catch((error: unknown) => onRefreshError?.(error));
  }

  return {
    current,
    newestSerial: () => current()[0]?.serialNo,
    refresh,
    start() {
      if (download === undefined || closed || timer !== undefined) return;
      refreshInBackground();
      timer = setInterval(refreshInBackground, refreshIntervalMs);
      timer.unref();
    },
    close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
