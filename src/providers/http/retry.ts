import type { RetryOptions } from 'got';

export interface ReadRetryOptions {
  /** Retries after the first attempt. */
  limit: number;
  /** Upper bound of one wait, also for a provider's Retry-After. */
  maxDelayMs: number;
  /** The methods reads use: GET for WeChat Pay; POST for Huishouqian, whose queries are POSTs. */
  methods?: ('GET' | 'POST')[];
}

/**
 * Retry policy for reads only: network errors, 429 and 5xx, exponential backoff with jitter, and
 * Retry-After honoured (got reads it for 429/503). Writes get `limit: 0`: a state-changing call
 * whose answer was lost may have happened, so it is never repeated blindly.
 */
export function readRetryPolicy(options: ReadRetryOptions): Partial<RetryOptions> {
  const { limit, maxDelayMs, methods = ['GET'] } = options;
  return {
    limit,
    methods,
    statusCodes: [429, 500, 502, 503, 504],
    errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN'],
    maxRetryAfter: maxDelayMs,
    backoffLimit: maxDelayMs,
    calculateDelay: ({ attemptCount, computedValue, retryAfter }) => {
      if (computedValue === 0) return 0;
      if (retryAfter !== undefined) return Math.min(retryAfter, maxDelayMs);
      return Math.min(100 * 2 ** (attemptCount - 1) + Math.random() * 50, maxDelayMs);
    },
  };
}

export const NO_RETRY: Partial<RetryOptions> = { limit: 0 };
