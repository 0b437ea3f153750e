import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { extractTraceParent, runInSpan } from './trace-context.js';

export const TRACING_SERVICE_NAME = 'complaint-gateway';

/** How long shutdown waits for the last spans to reach the collector. */
const EXPORT_TIMEOUT_MS = 5_000;

export interface TracingOptions {
  /** The collector's OTLP/HTTP base URL (as OTEL_EXPORTER_OTLP_ENDPOINT): spans go to `<it>/v1/traces`. */
  otlpEndpoint: string | null;
  /** Spans go here, one by one as they end, instead of OTLP (tests pass an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

/** One inbound request's SERVER span: `run` makes it the parent of what the request does. */
export interface ServerSpan {
  readonly traceId: string;
  run<T>(work: () => T): T;
  /** Idempotent: the answer's status (or the request's abort) ends the span. */
  end(status: number): void;
}

/** One app's tracing: its own provider and exporter, nothing registered process-wide. */
export interface GatewayTracing {
  readonly tracer: Tracer;
  /** `route` is the route's template (`/media/{token}`), never the path: paths carry tokens and ids. */
  serverSpan(request: IncomingMessage, route: string): ServerSpan;
  /** Flushes what is buffered (bounded) and stops exporting. */
  shutdown(): Promise<void>;
}

/** Null when there is nowhere to send spans: then nothing traces and nothing costs. */
export function createTracing(options: TracingOptions): GatewayTracing | null {
  const { otlpEndpoint, exporter } = options;
  let processor: SpanProcessor;
  if (exporter !== undefined) processor = new SimpleSpanProcessor(exporter);
  else if (otlpEndpoint !== null) {
    const url = `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processor = new BatchSpanProcessor(new OTLPTraceExporter({ url, timeoutMillis: EXPORT_TIMEOUT_MS }), { exportTimeoutMillis: EXPORT_TIMEOUT_MS });
  } else return null;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': TRACING_SERVICE_NAME }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer(TRACING_SERVICE_NAME);
  return {
    tracer,
    serverSpan(request, route) {
      const method = request.method ?? 'GET';
      const parent = extractTraceParent(request.headers);
      const span = tracer.startSpan(
        `${method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
        parent,
      );
      let ended = false;
      return {
        traceId: span.spanContext().traceId,
        run: (work) => runInSpan({ context: parent, tracer }, span, work),
        end(status) {
          if (ended) return;
          ended = true;
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
