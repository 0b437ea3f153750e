import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { extractTraceParent, runInSpan } from './trace-context.js';
import type { GatewayTracing } from './tracing.js';

export const TRACING_SERVICE_NAME = 'complaint-gateway';

/** How long shutdown waits for the last spans to reach the collector. */
const EXPORT_TIMEOUT_MS = 5_000;

/** Where spans go: an exporter of the caller's, one by one as they end, or OTLP/HTTP at `url`, in batches. */
export type SpanDestination = { exporter: SpanExporter } | { otlpTracesUrl: string };

/**
 * The OpenTelemetry SDK behind GatewayTracing: its own provider, nothing registered process-wide.
 * A module of its own so that an app without tracing never loads the SDK and the OTLP exporter.
 */
export function startTracing(destination: SpanDestination): GatewayTracing {
  const processor: SpanProcessor =
    'exporter' in destination
      ? new SimpleSpanProcessor(destination.exporter)
      : new BatchSpanProcessor(new OTLPTraceExporter({ url: destination.otlpTracesUrl, timeoutMillis: EXPORT_TIMEOUT_MS }), {
          exportTimeoutMillis: EXPORT_TIMEOUT_MS,
        });
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
