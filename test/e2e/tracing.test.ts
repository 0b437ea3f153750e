import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * OpenTelemetry through the whole gateway, exported to memory: the caller's W3C trace continues in
 * the gateway's spans (server → operation → resolver → provider call, cache and event-log
 * operations) and reaches both sandboxes in `traceparent`; no span says anything secret.
 */

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;
const TRACESTATE = 'caller=opaque-value';

const PAGE = `query TracedPage($first: Int) {
  complaints(first: $first) { edges { node { id complaintId merchant { merchantNo } negotiationHistory(first: 2) { edges { node { logId } } } } } }
}`;

interface Received {
  sandbox: 'wechatpay' | 'huishouqian';
  headers: IncomingHttpHeaders;
}

function spanId(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

/** Whether `ancestor` is `span`'s parent, or its parent's, and so on (within the exported spans). */
function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan, spans: readonly ReadableSpan[]): boolean {
  let parentId = span.parentSpanContext?.spanId;
  while (parentId !== undefined) {
    if (parentId === spanId(ancestor)) return true;
    parentId = spans.find((candidate) => spanId(candidate) === parentId)?.parentSpanContext?.spanId;
  }
  return false;
}

/** Every attribute value of every span, as text. */
function attributeTexts(spans: readonly ReadableSpan[]): string[] {
  return spans.flatMap((span) => [span.name, ...Object.values(span.attributes).map((value) => String(value))]);
}

describe('tracing: W3C trace context in, spans out, traceparent upstream', () => {
  let sandboxes: Sandboxes;
  let gateway: GatewayUnderTest;
  let untraced: GatewayUnderTest;
  const exporter = new InMemorySpanExporter();
  const received: Received[] = [];
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false, onApiRequest: (sandbox, headers) => void received.push({ sandbox, headers }) });
    gateway = await startGateway(sandboxes, {
      spanExporter: exporter,
      logLevel: 'info',
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    // Same process, no exporter and no endpoint: tracing off for this app only.
    untraced = await startGateway(sandboxes);
  });
  afterAll(async () => {
    await untraced?.close();
    await gateway?.close();
    await sandboxes?.close();
  });

  /** The spans of one trace, once its server span (the last to end) has been exported. */
  async function spansOf(traceId: string): Promise<ReadableSpan[]> {
    const ofTrace = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    await expect.poll(() => ofTrace().some((span) => span.kind === SpanKind.SERVER)).toBe(true);
    return ofTrace();
  }

  it('continues the caller’s trace through the operation, its resolvers and every provider call', async () => {
    received.length = 0;
    const { status, body } = await gateway.graphql<{
      complaints: { edges: { node: { id: string; complaintId: string; merchant: { merchantNo: string } } }[] };
    }>(PAGE, { first: 7 }, { traceparent: TRACEPARENT, tracestate: TRACESTATE });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const spans = await spansOf(TRACE_ID);

    const server = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST /graphql');
    expect(server?.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(server?.attributes['http.response.status_code']).toBe(200);

    const operation = spans.find((span) => span.name === 'TracedPage');
    expect(operation?.attributes).toEqual({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'TracedPage' });
    expect(operation?.parentSpanContext?.spanId).toBe(server === undefined ? 'no server span' : spanId(server));

    const list = spans.find((span) => span.name === 'Query.complaints');
    if (list === undefined || operation === undefined || server === undefined) throw new Error('missing operation or resolver span');
    expect(list.parentSpanContext?.spanId).toBe(spanId(operation));
    expect(spans.filter((span) => span.name === 'Complaint.negotiationHistory').length).toBe(body.data?.complaints.edges.length);

    // One CLIENT span per provider call attempt, each under a resolver of this operation.
    const calls = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(new Set(calls.map((span) => span.attributes['complaint_gateway.provider']))).toEqual(new Set(['WECHAT_PAY', 'HUISHOUQIAN']));
    for (const call of calls) {
      expect(call.attributes['http.response.status_code']).toBe(200);
      expect(call.attributes['complaint_gateway.endpoint']).toMatch(/^[A-Za-z_]+$/);
      expect(call.name).toBe(`${call.attributes['complaint_gateway.provider']} ${call.attributes['complaint_gateway.endpoint']}`);
      expect(spans.some((span) => span.name.includes('.') && descendsFrom(call, span, spans) && descendsFrom(span, operation, spans))).toBe(true);
    }
    // The data cache was read on the way, as spans of the store kind.
    const cacheSpans = spans.filter((span) => span.name.startsWith('cache '));
    expect(cacheSpans.length).toBeGreaterThan(0);
    for (const span of cacheSpans) expect(span.attributes['db.system.name']).toBe('memory');

    // Each sandbox request carried this trace, its parent the call's own span, and the caller's tracestate.
    expect(new Set(received.map((request) => request.sandbox))).toEqual(new Set(['wechatpay', 'huishouqian']));
    expect(received.length).toBe(calls.length);
    const callIds = new Set(calls.map(spanId));
    for (const request of received) {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(request.headers.traceparent));
      expect(match?.[1]).toBe(TRACE_ID);
      expect(callIds.has(match?.[2] ?? '')).toBe(true);
      expect(request.headers.tracestate).toBe(TRACESTATE);
    }

    // The request's log lines name its trace.
    await expect.poll(() => lines.find((line) => line['msg'] === 'graphql request' && line['operation'] === 'TracedPage')?.['traceId']).toBe(TRACE_ID);

    // Nothing secret, no URL, no query text, no complaint or merchant-visible id in names or attributes.
    const texts = attributeTexts(spans).join('\n');
    expect(texts).not.toMatch(/https?:\/\//);
    expect(texts).not.toContain('?');
    expect(texts).not.toContain(SANDBOX_ADMIN_TOKEN);
    expect(texts).not.toMatch(/bearer|authorization|signature/i);
    expect(texts).not.toContain('complaints(');
    for (const edge of body.data?.complaints.edges ?? []) {
      expect(texts).not.toContain(edge.node.complaintId);
      expect(texts).not.toContain(edge.node.id);
    }
  });

  it('starts a trace of its own for a request without traceparent, and marks a mutation’s resolver', async () => {
    exporter.reset();
    const listed = await gateway.graphql<{ complaints: { edges: { node: { id: string } }[] } }>(
      'query OneComplaint { complaints(first: 1) { edges { node { id } } } }',
    );
    const target = listed.body.data?.complaints.edges[0]?.node.id;
    if (target === undefined) throw new Error('the sandbox lists no complaint');
    const reply = await gateway.graphql('mutation TracedReply($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename } }', {
      input: { complaintId: target, text: '您好，已为您安排处理。' },
    });
    expect(reply.body.errors).toBeUndefined();
    await expect.poll(() => exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER).length).toBe(2);
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((span) => span.name === 'TracedReply');
    expect(operation?.attributes['graphql.operation.type']).toBe('mutation');
    const traceId = operation?.spanContext().traceId;
    expect(traceId).not.toBe(TRACE_ID);
    const server = spans.find((span) => span.kind === SpanKind.SERVER && span.spanContext().traceId === traceId);
    expect(server?.parentSpanContext).toBeUndefined();
    const resolver = spans.find((span) => span.name === 'Mutation.replyToComplaint');
    expect(resolver?.parentSpanContext?.spanId).toBe(operation === undefined ? 'no operation span' : spanId(operation));
    expect(
      spans.some((span) => span.kind === SpanKind.CLIENT && span.spanContext().traceId === traceId && span.attributes['http.request.method'] === 'POST'),
    ).toBe(true);
  });

  it('traces a notification’s webhook request with its event-log append, and the feed’s listing', async () => {
    exporter.reset();
    const account = sandboxes.keys.huishouqian?.agentMerchantNo;
    const control = (path: string, body: unknown, method = 'POST') =>
      fetch(`${sandboxes.huishouqian.baseUrl}/sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await control('notification-url', { url: `${gateway.url}/webhooks/huishouqian/${account}` }, 'PUT')).status).toBeLessThan(300);
    expect((await control('complaints', { merchantNo: sandboxes.keys.huishouqian?.merchants[0]?.merchantNo })).status).toBeLessThan(300);

    const appended = () => exporter.getFinishedSpans().find((span) => span.name === 'event-log append');
    await expect.poll(() => appended() !== undefined).toBe(true);
    const append = appended();
    expect(append?.attributes).toMatchObject({ 'db.system.name': 'sqlite', 'db.operation.name': 'append', 'complaint_gateway.events': 1 });
    await expect
      .poll(
        () =>
          exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.spanContext().spanId === append?.parentSpanContext?.spanId)?.name,
      )
      .toBe('POST /webhooks/{provider}/{account}');

    const { body } = await gateway.graphql('query TracedFeed { complaintEvents(first: 5) { edges { node { notificationId } } } }');
    expect(body.errors).toBeUndefined();
    await expect.poll(() => exporter.getFinishedSpans().some((span) => span.name === 'event-log list')).toBe(true);
    const listing = exporter.getFinishedSpans().find((span) => span.name === 'event-log list');
    const operation = exporter.getFinishedSpans().find((span) => span.name === 'TracedFeed');
    expect(listing?.parentSpanContext?.spanId).toBe(operation === undefined ? 'no operation span' : spanId(operation));
  });

  it('sends no traceparent and keeps no spans for an app without tracing, even when the caller sends one', async () => {
    received.length = 0;
    exporter.reset();
    const { body } = await untraced.graphql('query UntracedPage { complaints(first: 3) { edges { node { id } } } }', undefined, { traceparent: TRACEPARENT });
    expect(body.errors).toBeUndefined();
    expect(received.length).toBeGreaterThan(0);
    for (const request of received) expect(request.headers.traceparent).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
