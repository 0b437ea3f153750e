import type { ExtendOptions } from 'got';
import type { ProviderName } from '../../domain/errors.js';

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
