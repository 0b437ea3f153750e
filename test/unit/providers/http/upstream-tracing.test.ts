import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamTracingHooks } from '../../../../src/providers/http/upstream-observation.js';
import { runInSpan } from '../../../../src/observability/trace-context.js';

/** Answers each request with the status its path names (`/status/503`), recording the headers. */
let server: Server;
let baseUrl = '';
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(request.headers);
    response.writeHead(Number(/\/status\/(\d+)/.exec(request.url ?? '')?.[1] ?? 200)).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function traced() {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');
  const root = tracer.startSpan('request');
  const client = got.extend(upstreamTracingHooks('WECHAT_PAY'), {
    retry: { limit: 1, methods: ['GET'], statusCodes: [503], calculateDelay: ({ computedValue }) => (computedValue === 0 ? 0 : 1) },
  });
  const run = <T>(work: () => Promise<T>) => runInSpan({ context: ROOT_CONTEXT, tracer }, root, work);
  return { exporter, root, client, run };
}

describe('upstreamTracingHooks', () => {
  it('gives each attempt a failed CLIENT span with its status, under the active span, and sends its traceparent', async () => {
    const { exporter, root, client, run } = traced();
    received.length = 0;
    await expect(run(() => client.get(`${baseUrl}/status/503?secret=1`, { context: { endpoint: 'getComplaint' } }))).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.name).toBe('WECHAT_PAY getComplaint');
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503', 'complaint_gateway.endpoint': 'getComplaint' });
      expect(JSON.stringify(span.attributes)).not.toContain('secret');
    }
    expect(received.map((headers) => headers.traceparent)).toEqual(spans.map((span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`));
  });

  it('ends the span of a call that got no answer, failed by its error code (never its message)', async () => {
    const { exporter, client, run } = traced();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(run(() => client.post(`http://127.0.0.1:${port}/`, { context: { endpoint: 'reply' } }))).rejects.toThrow();
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span?.attributes['http.response.status_code']).toBeUndefined();
  });

  it('gives a stream (an image download) the trace of its request and no span that nothing would end', async () => {
    const { exporter, root, client, run } = traced();
    received.length = 0;
    await run(async () => {
      const stream = client.stream(`${baseUrl}/status/200`, { context: { endpoint: 'downloadMedia' } });
      for await (const _chunk of stream);
    });
    expect(received[0]?.traceparent).toBe(`00-${root.spanContext().traceId}-${root.spanContext().spanId}-01`);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('does nothing outside a traced request', async () => {
    const { exporter, client } = traced();
    received.length = 0;
    await client.get(`${baseUrl}/status/200`, { context: { endpoint: 'listComplaints' } });
    expect(received[0]?.traceparent).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
