/**
 * Domain errors. Every failure a caller can see is one of these classes, each with a stable `code`.
 * Messages never contain secrets; sensitive context goes into non-enumerable properties so that
 * it never reaches JSON serialisation or a log line that prints the error.
 */
export type ProviderName = 'WECHAT_PAY' | 'HUISHOUQIAN';

export abstract class GatewayError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // `cause` may carry upstream bodies (PII) or request options (keys): keep it off enumeration.
    if (options && 'cause' in options) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
    }
  }

  /** Attach context that may be logged by a developer but must never be serialised. */
  protected hide(name: string, value: unknown): void {
    Object.defineProperty(this, name, { value, enumerable: false, writable: false });
  }
}

export class ValidationError extends GatewayError {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION_ERROR';
  /** Which input was bad, in the caller's terms (`filter.from`, `text`, `file`). */
  readonly field: string | null;

  constructor(message: string, field: string | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.field = field;
  }
}

export class NotFoundError extends GatewayError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

/**
 * The one answer for a complaint a caller cannot have: unknown upstream, another merchant's (a
 * sibling of the same service provider), or of a merchant the caller was not granted. One text for
 * all, so that no answer tells whether an id exists elsewhere.
 */
export function complaintNotFound(): NotFoundError {
  return new NotFoundError('complaint not found');
}

export class ForbiddenError extends GatewayError {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

/** No valid access token: answered with HTTP 401 before any operation runs. */
export class UnauthenticatedError extends GatewayError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
}

export class UnsupportedError extends GatewayError {
  override readonly name = 'UnsupportedError';
  readonly code = 'UNSUPPORTED';
  readonly capability: string;
  readonly provider: ProviderName;

  constructor(provider: ProviderName, capability: string, message?: string) {
    super(message ?? `${provider} does not support ${capability} for this merchant`);
    this.provider = provider;
    this.capability = capability;
  }
}

export class RateLimitedError extends GatewayError {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The gateway itself is misconfigured for this merchant (missing key, wrong account). */
export class ConfigurationError extends GatewayError {
  override readonly name = 'ConfigurationError';
  readonly code = 'CONFIGURATION_ERROR';
}

export interface ProviderErrorDetails {
  provider: ProviderName;
  /** The provider's own error code (`PARAM_ERROR`, `130002`), or a transport code (`ETIMEDOUT`). */
  providerCode: string | null;
  httpStatus: number | null;
  /** True when the same request may succeed later (5xx, network, "retry later" business codes). */
  retryable: boolean;
}

export class ProviderError extends GatewayError {
  override readonly name = 'ProviderError';
  readonly code = 'PROVIDER_ERROR';
  readonly provider: ProviderName;
  readonly providerCode: string | null;
  readonly httpStatus: number | null;
  readonly retryable: boolean;

  constructor(message: string, details: ProviderErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.provider = details.provider;
    this.providerCode = details.providerCode;
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable;
  }
}

/**
 * A state-changing call was sent but its outcome is unknown (timeout, reset connection, an answer
 * that failed verification, a provider error that may follow the change): it may have been applied.
 * Never retryable as it stands: repeat it with the same idempotency key, which checks first.
 */
export class OutcomeUnknownError extends GatewayError {
  override readonly name = 'OutcomeUnknownError';
  readonly code = 'OUTCOME_UNKNOWN';
  readonly retryable = false;
}
