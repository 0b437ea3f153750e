import { describe, expect, it } from 'vitest';
import { createPlatformCertificates } from '../../../../src/providers/wechatpay/platform-certificates.js';
import { DecryptionError } from '../../../../src/providers/wechatpay/protocol/errors.js';
import { openCertificateDownload, validCertificates, type CertificateDownload } from '../../../../src/providers/wechatpay/protocol/platform-certificate.js';

// Spec 6.1 V4: wechatpay-java TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE, APIv3 key of V3.
const V4_KEY = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
const V4_SERIAL = '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC';
const V4: CertificateDownload = {
  data: [
    {
      serial_no: V4_SERIAL,
      effective_time: '2023-09-19T23:15:58+08:00',
      expire_time: '2028-09-17T23:15:58+08:00',
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM',
        nonce: '14b16c03dc1b',
        associated_data: 'certificate',
        ciphertext:
          'Mr/AxbvY+WL9hKlD5nIa03LOMPpn5f+CWeNxE4ujl0f5gXZ9XLJ9CldkArCOTsbU62XgKnTc3YvRMZQ7wCmE2fzwmAenAySTYsPms72JhggPWfdqVxri9YD5wBYKn8Ck0Fc5JIiVw9WlN2oxHBz83mRVsjoTGC5+cX1CdYqKuZ8pkvi0aCJIq07ZC8MHoTowUz+4jYJy9XeKqip83Z7BmUYxsePpNM+HtihBqTJIUYXJfX7Col5X0ACsApRoU9l6swfW/kzvqNpDJavhDBGasLrr5822+Fk5nVkcTi53f8Wbue7ODWjJxj1yhRYcxFCvXLtpYNB+Qa1aXtrBSdBdBI2p7o+6Imn+auHLBCzkrZqF/yd+d4vTn4tqHPLUj89XcHsMf96uBo3T/HQV8LEDeIO+6YvOK9FrIDYsvp+imN4n/mnF7eJKo9mpN/QqWJiawrFpAmMMxFKBjIdpgMnVUl3Z11RcWKyfOJ3kcmItTWcnZFNyDgR9cS0aU6QPlefa3uUW89uzBuHjcFdDl43yU3LE4qZnHLDcDgx4qt0OFCLiy51GXtEpyYs5k99YJBvKK+RyIs4Yc1/smBmClQUhxW+8bsPNOcXfDvH2yX4YzESoO4TV0RqiCgnsSd4zIFyJPiMKIGzVHiw6Kg0eGCmB4mGHEEZCQ0eN3SSPO0QVjjtBYfgXDZfVHSaAB8PjWBVNFimoViZZQrwT6Ygo0LU0Dd8+F5aHFYr4OPHPslr3hrgutEYXDTv1vTA6ABJGqknJ9Y2vtyWpy7aIwxc0kQq/1ezjs+RMVL/LRpGDnbx1/CGPDjZhYgZypKa55+PDhoaQxqkF3xCLz2DGoNHZYmFqxzAOsAK0vJZw4VcAk6ssbA6YIaMuiemEpxfLC9ZiXtRqsX9s+GWjjtA8JywOFMO+NKZm9BH/E5YNg2DDD3sHG9Mciwn7yJ6sdf8h2lAWlEExAOeiBNyshOHAQ0/S+x1ncWNiqY+Uh5n0rtonvePV2MsxVlEWR3AVHn1abcEWkzivd+G5kg7LYO0goqzGClcQfnFfZdO6KwcMXsBCnm9A1Bl4+k5LLokTIYH5/36SRIZ9j0CHGD77BQLE7x8AlNsoFS2m263tLLq78TFqvZUTIZIQcVIl+NInscS3xQbA38qqFqutCWIwoF1azuJ7woiJyMvnS3xzIpNzP+rzJ8VDXxjLjpEUBOC9WDs74+QMtsAdmh6g0KDclHEk8WJ4P2bnso4z3VCGoDT5X/0bS1C+jMZMKaOCNB21FZ08qgUHmKeDeg8ylENu+mh2Y/AaEDSGkGBHIfFbhMYO3uRxhk9hldiHEnHgdkXiVAAUWk/IhtmGijibO/L76vB74Xpes973uK+2iFKgNBk8qTLLZZnuWbcMQuA6VsFULRb/C+q9B21YuAWPMzvgBwr4EX2m/OpF5w8Q0HL7v1H5H0mIGJbrjnklUPoBYrw30W3uk7yF0KE6sfMukafFx0S9rBOL0RykGDPwC0lHSNySkXDeM5XvDJ+dtHK+RDwhJR+azfrWAHGMtZcQ+YVamjWVmHxXM03j3GeCXgqae1upwHzkPL5OwojcQ5MQi3Kv/1xtwY0cRN/yeZTOsXfujtqhkJj/Vltby4lnW4SCj4LjWQF19BY6zhzF4yybBA8bhhtoNP/zx8QkhHAkIROkK2ZVgfocCAPvfQ+vSrsIBO+L5cmg6mzFn4g84lsHscgXnszIlzUrzx/4Tam0uwuS9J1gddZ0I0QUt9SJzfsoBCTU0OgNMUtXKS5HvgXe7abexMtFH5eulOsAuFZkQ5LYJa/m4yHFInXzL/t3hjdTi2NmxUufvYzwIyffRTu5vS9vjscARD9lUQDHFQ/xgWe1i8EkRlrSfjlXt00+4//h2bcJKyTBT3IXwvKNsuY29V9/vU3HkvWKZ99zpSlmcZRuBa1BHbyPEvc0NlqIIoKidxqUvOR64MzudHhAjgWFP+IXojfhS3Gj9OJhBL7s',
      },
    },
  ],
};
const IN_2025 = Date.parse('2025-01-01T00:00:00Z');

describe('platform certificate download (protocol)', () => {
  it('opens V4 to the certificate it lists, with the validity the certificate itself carries', () => {
    const [certificate] = openCertificateDownload(V4, V4_KEY);
    expect(certificate?.serialNo).toBe(V4_SERIAL);
    expect(certificate?.notBefore).toBe(Date.parse('2023-09-19T15:15:58Z'));
    expect(certificate?.notAfter).toBe(Date.parse('2028-09-17T15:15:58Z'));
  });

  it('refuses an entry listed under another serial, and one that does not authenticate', () => {
    const relabelled = { data: V4.data.map((entry) => ({ ...entry, serial_no: 'D7CE59D1F522D701' })) };
    expect(() => openCertificateDownload(relabelled, V4_KEY)).toThrow(DecryptionError);
    expect(() => openCertificateDownload(V4, 'b'.repeat(32))).toThrow(DecryptionError);
  });

  it('keeps only certificates valid now, newest first', () => {
    const [certificate] = openCertificateDownload(V4, V4_KEY);
    if (certificate === undefined) throw new Error('V4 opens');
    const newer = { ...certificate, serialNo: 'NEWER', notBefore: certificate.notBefore + 1 };
    expect(validCertificates([certificate, newer], IN_2025).map((entry) => entry.serialNo)).toEqual(['NEWER', V4_SERIAL]);
    expect(validCertificates([certificate], Date.parse('2029-01-01T00:00:00Z'))).toEqual([]);
    expect(validCertificates([certificate], Date.parse('2023-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('createPlatformCertificates', () => {
  const clock = { now: () => IN_2025, nonce: () => 'n' };

  it('keeps the trusted set when a download fails, and takes a good one', async () => {
    let answer: () => Promise<CertificateDownload> = () => Promise.reject(new Error('SIGNATURE_MISMATCH'));
    const store = createPlatformCertificates({ configured: [], apiV3Key: V4_KEY, clock, download: () => answer() });
    await expect(store.refresh()).rejects.toThrow('SIGNATURE_MISMATCH');
    expect(store.current()).toEqual([]);
    const [entry] = V4.data;
    if (entry === undefined) throw new Error('V4 lists one certificate');
    answer = () => Promise.resolve({ data: [{ ...entry, encrypt_certificate: { ...entry.encrypt_certificate, nonce: 'xxxxxxxxxxxx' } }] });
    await expect(store.refresh()).rejects.toBeInstanceOf(DecryptionError);
    expect(store.newestSerial()).toBeUndefined();
    answer = () => Promise.resolve(V4);
    await store.refresh();
    expect(store.newestSerial()).toBe(V4_SERIAL);
  });

  it('refreshes on its timer until closed', async () => {
    let downloads = 0;
    const store = createPlatformCertificates({
      configured: [],
      apiV3Key: V4_KEY,
      clock,
      refreshIntervalMs: 10,
      download: async () => {
        downloads += 1;
        return V4;
      },
    });
    store.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    store.close();
    const seen = downloads;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(downloads).toBe(seen);
  });
});
