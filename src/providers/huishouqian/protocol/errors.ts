/**
 * Protocol failures. They name what was wrong, never key material or the payload; error-codes.ts
 * maps them to domain errors (ProviderError for answers, ForbiddenError or ValidationError for
 * notifications).
 */
export abstract class HuishouqianProtocolError extends Error {
  abstract readonly code: string;
}

/** A sign that does not verify (or is missing): nothing of the message may be trusted. */
export class SignatureMismatchError extends HuishouqianProtocolError {
  override readonly name = 'SignatureMismatchError';
  readonly code = 'SIGNATURE_MISMATCH';
}

/** An answer that is not the documented envelope, or whose `result` is not JSON. */
export class MalformedAnswerError extends HuishouqianProtocolError {
  override readonly name = 'MalformedAnswerError';
  readonly code = 'MALFORMED_ANSWER';
}

export class MalformedNotificationError extends HuishouqianProtocolError {
  override readonly name = 'MalformedNotificationError';
  readonly code = 'MALFORMED_NOTIFICATION';
}

/** A notification for a merchant whose sign key we do not hold: it cannot be verified. */
export class UnknownMerchantError extends HuishouqianProtocolError {
  override readonly name = 'UnknownMerchantError';
  readonly code = 'UNKNOWN_MERCHANT';
}

/**
 * A verified answer with `success=false`, or a write's `respCode` that is not acceptance: the
 * provider's own code travels on, for error-codes.ts to interpret.
 */
export class ErrorAnswerError extends HuishouqianProtocolError {
  override readonly name = 'ErrorAnswerError';
  readonly code = 'ERROR_ANSWER';

  constructor(
    readonly errorCode: string | null,
    readonly errorMsg: string | null,
  ) {
    super(errorMsg ?? `Huishouqian answered ${errorCode ?? 'without a code'}`);
  }
}
