import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/gateway-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-apq-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = (server: Record<string, unknown>) => resolveConfig({ server }, { kind: 'file', path: join(dir, 'gateway.json') }, { env: {}, baseDir: dir });

describe('server.automaticPersistedQueries', () => {
  it('is on by default, except when only trusted documents run', async () => {
    expect((await resolve({})).server.automaticPersistedQueries).toBe(true);
    expect((await resolve({ persistedOperations: { mode: 'accept' } })).server.automaticPersistedQueries).toBe(true);
    expect((await resolve({ persistedOperations: { mode: 'only' } })).server.automaticPersistedQueries).toBe(false);
    expect((await resolve({ automaticPersistedQueries: false })).server.automaticPersistedQueries).toBe(false);
  });

  it('cannot be turned on with persistedOperations.mode `only`', async () => {
    await expect(resolve({ persistedOperations: { mode: 'only' }, automaticPersistedQueries: true })).rejects.toThrow(
      /server\.automaticPersistedQueries: cannot be true/,
    );
  });
});
