import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ExtendOptions } from 'got';
import type { ProviderName } from '../../domain/errors.js';
import { activeTrace, injectTraceHeaders, markFailed } from '../../observability/trace-context.js';

export type UpstreamOutcome = 'ok' | 'client_error' | 'server_error' | 'timeout' | 'network';

/** One attempt of a provider call (a retried read is several), for metrics and the access log. */
export interface UpstreamCall {
  provider: ProviderName;
  /** The endpoint's name in the provider module (never a URL: ids would make it unbounded). */
  endpoint: string;
  outcome: UpstreamOutcome;
  seconds: number;
}

export type UpstreamObserver = (call: UpstreamCall) => void;

/** Calls left in the current budget window of one calling account's endpoint (group). */
export type QuotaObserver = (account: string, endpoint: string, remaining: number) => void;

const STARTED = 'upstreamStartedAt';

function endpointOf(context: Record<string, unknown>): string {
  return typeof context['endpoint'] === 'string' ? context['endpoint'] : 'unknown';
}

/**
 * got hooks that report every attempt of a client's calls: the endpoint comes from the call's
 * `context.endpoint`, as both provider clients set it. Answers are reported by status class
 * (whether their signature verifies is the client's business), failures without one as a timeout
 * or a network error.
 */
export function upstreamObservationHooks(provider: ProviderName, observe: UpstreamObserver | undefined): ExtendOptions {
  if (observe === undefined) return {};
  const elapsed = (context: Record<string, unknown>): number => {
    const started = context[STARTED];
    return typeof started === 'number' ? (performance.now() - started) / 1000 : 0;
  };
  return {
    hooks: {
      beforeRequest: [
        (options) => {
          options.context[STARTED] = performance.now();
        },
      ],
      afterResponse: [
        (response) => {
          const { context } = response.request.options;
          const status = response.statusCode;
          observe({
            provider,
            endpoint: endpointOf(context),
            outcome: status < 400 ? 'ok' : status < 500 ? 'client_error' : 'server_error',
            seconds: elapsed(context),
          });
          return response;
        },
      ],
      beforeError: [
        (error) => {
          if (error.response === undefined) {
            const { context } = error.options;
            observe({ provider, endpoint: endpointOf(context), outcome: error.name === 'TimeoutError' ? 'timeout' : 'network', seconds: elapsed(context) });
          }
          return error;
        },
      ],
    },
  };
}

const SPAN = 'upstreamSpan';

function takeSpan(context: Record<string, unknown>): Span | undefined {
  const span = context[SPAN] as Span | undefined;
  if (span !== undefined) delete context[SPAN];
  return span;
}

/**
 * got hooks that give every attempt of a call made for a traced request a CLIENT span (provider,
 * endpoint name, status; never the URL, its query or ids) and send its `traceparent`. Neither
 * provider signs that header (WeChat Pay signs method, path, timestamp, nonce and body; Huishouqian
 * its body), so it may be set before signing. The span reports the HTTP answer; whether it verifies
 * is the client's business (as for upstreamObservationHooks). Untraced requests and background calls
 * pass through untouched.
 */
export function upstreamTracingHooks(provider: ProviderName): ExtendOptions {
  return {
    hooks: {
      beforeRequest: [
        (options, { retryCount }) => {
          const active = activeTrace();
          if (active === undefined) return;
          // got runs no afterResponse hook for a stream (the image download): it carries the
          // trace of the request that asked for it, and no span of its own that nothing would end.
          if (options.isStream) {
            injectTraceHeaders(active.context, options.headers);
            return;
          }
          const endpoint = endpointOf(options.context);
          const method = String(options.method);
          const span = active.tracer.startSpan(
            `${provider} ${endpoint}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'complaint_gateway.provider': provider,
                'complaint_gateway.endpoint': endpoint,
                'http.request.method': method,
                ...(retryCount > 0 ? { 'http.request.resend_count': retryCount } : {}),
              },
            },
            active.context,
          );
          options.context[SPAN] = span;
          injectTraceHeaders(trace.setSpan(active.context, span), options.headers);
        },
      ],
      afterResponse: [
        (response) => {
          const span = takeSpan(response.request.options.context);
          if (span !== undefined) {
            span.setAttribute('http.response.status_code', response.statusCode);
            if (response.statusCode >= 400) {
              span.setStatus({ code: SpanStatusCode.ERROR });
              span.setAttribute('error.type', String(response.statusCode));
            }
            span.end();
          }
          return response;
        },
      ],
      beforeError: [
        (error) => {
          // No answer (with one, afterResponse has ended the span).
          const span = takeSpan(error.options.context);
          if (span !== undefined) {
            markFailed(span, error);
            span.end();
          }
          return error;
        },
      ],
    },
  };
}
