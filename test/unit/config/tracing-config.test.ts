import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { resolveConfig } from '../../../src/config/gateway-config.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracing-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = (input: Record<string, unknown>, env: Record<string, string> = {}) => resolveConfig(input, { kind: 'sandbox' }, { env, baseDir: dir });

describe('tracing.otlpEndpoint', () => {
  it('is none by default: tracing off', async () => {
    expect((await resolve({})).tracing).toEqual({ otlpEndpoint: null });
  });

  it('is read from the file, and OTEL_EXPORTER_OTLP_ENDPOINT overrides it', async () => {
    expect((await resolve({ tracing: { otlpEndpoint: 'http://collector:4318' } })).tracing.otlpEndpoint).toBe('http://collector:4318');
    const fromEnv = await resolve({ tracing: { otlpEndpoint: 'http://collector:4318' } }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com' });
    expect(fromEnv.tracing.otlpEndpoint).toBe('https://otel.example.com');
  });

  it('refuses what is not an http(s) URL, naming the key', async () => {
    await expect(resolve({ tracing: { otlpEndpoint: 'collector:4318' } })).rejects.toThrow(ConfigError);
    await expect(resolve({ tracing: { otlpEndpoint: 'grpc://collector:4317' } })).rejects.toThrow(/tracing\.otlpEndpoint/);
    await expect(resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    await expect(resolve({ tracing: { endpoint: 'http://collector:4318' } })).rejects.toThrow(/tracing/);
  });
});
