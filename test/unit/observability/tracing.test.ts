import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inSpan } from '../../../src/observability/trace-context.js';
import { createTracing } from '../../../src/observability/tracing.js';

/** A stand-in OpenTelemetry collector: records what arrives over OTLP/HTTP. */
let collector: Server;
let endpoint = '';
const exports: { path: string; body: string }[] = [];

beforeAll(async () => {
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exports.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

const inbound = (headers: Record<string, string>) => ({ method: 'POST', headers }) as unknown as IncomingMessage;

describe('createTracing', () => {
  it('is off (null) without an endpoint or an exporter', async () => {
    expect(await createTracing({ otlpEndpoint: null })).toBeNull();
  });

  it('exports the spans to <endpoint>/v1/traces as complaint-gateway, at the latest on shutdown', async () => {
    const tracing = await createTracing({ otlpEndpoint: endpoint });
    if (tracing === null) throw new Error('tracing should be on');
    const server = tracing.serverSpan(inbound({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }), '/graphql');
    expect(server.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    await server.run(() => inSpan('cache get', { 'db.system.name': 'memory' }, async () => undefined));
    server.end(200);
    await tracing.shutdown();
    expect(exports.map((request) => request.path)).toEqual(['/v1/traces']);
    const body = exports[0]?.body ?? '';
    expect(body).toContain('complaint-gateway');
    expect(body).toContain('POST /graphql');
    expect(body).toContain('cache get');
  });
});
