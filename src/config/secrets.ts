import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CAPABILITIES } from '../domain/capability.js';

/**
 * What every part of the configuration (the gateway's own and each provider module's accounts)
 * shares: secret sources, key loading, and the common field rules. Problems are collected, never
 * thrown one by one, so a start-up names every bad key at once.
 */

/** A secret or PEM: the value itself, `{"file": path}` (relative to the config file) or `{"env": NAME}`. */
export const secretSource = z.union(
  [z.string().min(1), z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })],
  { error: (issue) => (issue.input === undefined ? 'required' : 'must be a string, {"file": "<path>"} or {"env": "<NAME>"}') },
);
export type SecretSource = z.infer<typeof secretSource>;

export const accountId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-" (it is a URL path segment)');
export const merchantNo = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"');
export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
export const capabilitySwitches = z.partialRecord(z.enum(CAPABILITIES), z.boolean());

export type Environment = Readonly<Record<string, string | undefined>>;

export interface SecretResolver {
  problems: string[];
  text(source: SecretSource, key: string): Promise<string | undefined>;
}

export function createSecretResolver(env: Environment, baseDir: string): SecretResolver {
  const problems: string[] = [];
  return {
    problems,
    async text(source, key) {
      if (typeof source === 'string') return source;
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined || value === '') problems.push(`${key}: environment variable ${source.env} is not set`);
        return value === '' ? undefined : value;
      }
      try {
        return await readFile(resolve(baseDir, source.file), 'utf8');
      } catch (error) {
        problems.push(`${key}: file ${source.file} cannot be read (${errorCode(error)})`);
        return undefined;
      }
    },
  };
}

// Parse errors from OpenSSL can quote nothing secret, but we still report only the category.
export function loadKey(kind: 'private' | 'public', pem: string | undefined, key: string, problems: string[]): KeyObject | undefined {
  if (pem === undefined) return undefined;
  try {
    const object = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (object.asymmetricKeyType !== 'rsa') {
      problems.push(`${key}: must be an RSA key`);
      return undefined;
    }
    return object;
  } catch {
    problems.push(`${key}: is not a PEM ${kind} key`);
    return undefined;
  }
}

export function loadCertificate(
  pem: string | undefined,
  key: string,
  problems: string[],
): { serialNo: string; key: KeyObject; notBefore: number; notAfter: number } | undefined {
  if (pem === undefined) return undefined;
  try {
    const certificate = new X509Certificate(pem);
    // Validity kept so that an expired certificate stops being trusted (platform certificate rotation).
    return {
      serialNo: certificate.serialNumber.toUpperCase(),
      key: certificate.publicKey,
      notBefore: Date.parse(certificate.validFrom),
      notAfter: Date.parse(certificate.validTo),
    };
  } catch {
    problems.push(`${key}: is not a PEM X.509 certificate`);
    return undefined;
  }
}

export function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unreadable';
}
