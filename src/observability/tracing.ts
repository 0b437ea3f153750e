import type { IncomingMessage } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanDestination } from './tracer-provider.js';

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

/**
 * Null when there is nowhere to send spans: then nothing traces and nothing costs, not even the
 * OpenTelemetry SDK's modules (loaded here only when tracing is on).
 */
export async function createTracing(options: TracingOptions): Promise<GatewayTracing | null> {
  const { otlpEndpoint, exporter } = options;
  let destination: SpanDestination;
  if (exporter !== undefined) destination = { exporter };
  else if (otlpEndpoint !== null) destination = { otlpTracesUrl: `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces` };
  else return null;
  const { startTracing } = await import('./tracer-provider.js');
  return startTracing(destination);
}
