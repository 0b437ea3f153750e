import { createSecretKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { resolveConfig } from '../../../src/config/gateway-config.js';
import { createPiiCipher } from '../../../src/crypto/pii-cipher.js';

const KEY = 'k'.repeat(40);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pii-key-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = (input: Record<string, unknown>, env: Record<string, string> = {}) => resolveConfig(input, { kind: 'sandbox' }, { env, baseDir: dir });
const keyIdOf = (key: { export(): Buffer } | null) => (key === null ? null : createPiiCipher(createSecretKey(key.export())).keyId);

describe('pii.encryptionKey', () => {
  it('is none by default (the key is then derived from the media secret)', async () => {
    expect((await resolve({})).piiEncryptionKey).toBeNull();
  });

  it('is read from any secret source, and PII_ENCRYPTION_KEY overrides the file', async () => {
    await writeFile(join(dir, 'pii.key'), `${KEY}\n`);
    const expected = keyIdOf(createSecretKey(Buffer.from(KEY)));
    expect(keyIdOf((await resolve({ pii: { encryptionKey: KEY } })).piiEncryptionKey)).toBe(expected);
    expect(keyIdOf((await resolve({ pii: { encryptionKey: { file: 'pii.key' } } })).piiEncryptionKey)).toBe(expected);
    expect(keyIdOf((await resolve({ pii: { encryptionKey: { env: 'MY_PII_KEY' } } }, { MY_PII_KEY: KEY })).piiEncryptionKey)).toBe(expected);
    const fromEnv = await resolve({ pii: { encryptionKey: KEY } }, { PII_ENCRYPTION_KEY: 'e'.repeat(32) });
    expect(keyIdOf(fromEnv.piiEncryptionKey)).toBe(keyIdOf(createSecretKey(Buffer.from('e'.repeat(32)))));
  });

  it('refuses a short key, naming the key and never quoting it', async () => {
    const short = 'short-pii-key';
    for (const attempt of [resolve({ pii: { encryptionKey: short } }), resolve({}, { PII_ENCRYPTION_KEY: short })]) {
      const error = await attempt.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/pii\.encryptionKey|PII_ENCRYPTION_KEY/);
      expect((error as ConfigError).message).toContain('at least 32 characters');
      expect((error as ConfigError).message).not.toContain(short);
    }
  });
});
