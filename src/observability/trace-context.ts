import { AsyncLocalStorage } from 'node:async_hooks';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The span that work started now belongs under, and the tracer of the app whose request it serves. */
export interface ActiveTrace {
  readonly context: Context;
  readonly tracer: Tracer;
}

/**
 * Our own AsyncLocalStorage instead of a context manager registered on the OpenTelemetry API: only
 * the gateway's code starts spans, so nothing needs the API's process-wide `context`, and several
 * apps in one process (tests) or a host application with its own OpenTelemetry setup never share or
 * fight over it. An app without tracing never enters it: its requests find no trace and start no span.
 */
const storage = new AsyncLocalStorage<ActiveTrace>();

/** `traceparent` and `tracestate`, in and out; an instance of our own (the API's global propagator stays untouched). */
const propagator = new W3CTraceContextPropagator();

/** The caller's trace (a valid `traceparent`, with its `tracestate`) as a parent context; ROOT_CONTEXT without one. */
export function extractTraceParent(headers: Readonly<Record<string, string | string[] | undefined>>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** Sets `traceparent` (and `tracestate`) on outgoing request headers: the span of `context` is the caller. */
export function injectTraceHeaders(context: Context, headers: Record<string, string | string[] | undefined>): void {
  propagator.inject(context, headers, defaultTextMapSetter);
}

export function activeTrace(): ActiveTrace | undefined {
  return storage.getStore();
}

/** Runs `work` with `span` as the parent of the spans it starts. */
export function runInSpan<T>(active: ActiveTrace, span: Span, work: () => T): T {
  return storage.run({ context: trace.setSpan(active.context, span), tracer: active.tracer }, work);
}

/** What went wrong, by its stable code when it has one (GatewayError and friends), else its class name: never its message. */
function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(error.code))
    return error.code;
  return error instanceof Error ? error.name : typeof error;
}

/** Marks a span failed without its message or stack (messages may name a complaint). */
export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', errorType(error));
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}

/**
 * `work` in a child span of the active trace, ended when its result settles (sync or async). With
 * no active trace (tracing off, background work) it is just `work()`: one AsyncLocalStorage read.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: () => T, kind: SpanKind = SpanKind.INTERNAL): T {
  const active = storage.getStore();
  if (active === undefined) return work();
  const span = active.tracer.startSpan(name, { kind, attributes }, active.context);
  let result: T;
  try {
    result = runInSpan(active, span, work);
  } catch (error) {
    markFailed(span, error);
    span.end();
    throw error;
  }
  if (!isPromiseLike(result)) {
    span.end();
    return result;
  }
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      markFailed(span, error);
      span.end();
      throw error;
    },
  ) as T;
}
