import { HTTPError, RequestError, TimeoutError } from 'got';
import { OutcomeUnknownError, ProviderError, type ProviderName } from '../../domain/errors.js';

/**
 * A transport failure (no usable answer) → ProviderError with safe fields only: the error code
 * and the provider, never the request options (they hold the Authorization header).
 */
export function transportError(error: unknown, provider: ProviderName): ProviderError {
  if (error instanceof TimeoutError) {
    return new ProviderError(`${provider} did not answer in time`, { provider, providerCode: 'ETIMEDOUT', httpStatus: null, retryable: true });
  }
  if (error instanceof RequestError) {
    const code = /^[A-Z_]{2,32}$/.test(error.code) ? error.code : 'NETWORK_ERROR';
    return new ProviderError(`${provider} could not be reached (${code})`, { provider, providerCode: code, httpStatus: null, retryable: true });
  }
  return new ProviderError(`${provider} call failed`, { provider, providerCode: null, httpStatus: null, retryable: false });
}

/** True for failures where no request reached the provider's application (safe to fail over). */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof RequestError && error.response === undefined;
}

// The connection was never made: nothing reached the provider, so nothing can have been applied.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failed state-changing request may still have been applied: a lost or late answer, a
 * reset connection, a 5xx (the provider may fail after committing). A 4xx answer or a connection
 * that was never made means it was not.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  if (error instanceof HTTPError) return error.response.statusCode >= 500;
  if (error instanceof RequestError) return !(error.response === undefined && NOT_SENT.has(error.code));
  return false;
}

/** A write whose answer is missing or unusable (see OutcomeUnknownError). */
export function outcomeUnknown(provider: ProviderName, cause: unknown): OutcomeUnknownError {
  return new OutcomeUnknownError(
    `${provider} may have applied this change, but its answer was lost or could not be trusted; repeat it with the same idempotencyKey, which checks before sending again`,
    { cause },
  );
}
