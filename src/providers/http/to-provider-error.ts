import { RequestError, TimeoutError } from 'got';
import { ProviderError, type ProviderName } from '../../domain/errors.js';

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
