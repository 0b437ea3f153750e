import { ConfigurationError, ForbiddenError, NotFoundError, ProviderError, ValidationError, type GatewayError } from '../../domain/errors.js';
import { ErrorAnswerError, MalformedNotificationError, type HuishouqianProtocolError } from './protocol/errors.js';

/** Business codes that mean success (spec 1.5): 000000 success, 130000 accepted. */
export const SUCCESS_CODES: ReadonlySet<string> = new Set(['000000', '130000']);

/** Codes after which a write may or may not have been applied: 130001 result unknown, 000001 system error. */
export const UNSURE_CODES: ReadonlySet<string> = new Set(['130001', '000001']);

/** Huishouqian business code → domain error (spec 1.5), with Huishouqian's message kept. */
export function toDomainError(code: string | null, message: string | null): GatewayError {
  const text = message ?? `Huishouqian answered ${code ?? 'without a code'}`;
  const provider = { provider: 'HUISHOUQIAN', providerCode: code, httpStatus: 200 } as const;
  switch (code) {
    case '130003': // complaint id does not exist
      return new NotFoundError(`Huishouqian: ${text}`);
    case '130004': // merchant number mismatch
    case '130005': // merchant number does not exist
    case '130006': // agent merchant number mismatch
      return new ForbiddenError(`Huishouqian: ${text}`);
    case '130002': // parameter validation failed (also a bad request signature, in the sandbox)
    case '130010': // complaint id must not be empty
    case '130007': // file too large
    case '130008': // illegal file type
    case '130009': // at most four reply images
      return new ValidationError(`Huishouqian rejected the request: ${text}`, null);
    case '130011': // merchant key not configured at Huishouqian
      return new ConfigurationError(`Huishouqian: ${text}`);
    case '000001': // system error, retry later
    case '130001': // result unknown, query later
      return new ProviderError(`Huishouqian is unavailable: ${text}`, { ...provider, retryable: true });
    default:
      return new ProviderError(`Huishouqian error: ${text}`, { ...provider, retryable: false });
  }
}

/**
 * The one mapping of protocol failures. An answer that cannot be trusted is the provider's fault
 * (ProviderError); a notification that cannot be trusted is refused (ForbiddenError), or rejected
 * as bad input when it is not even an envelope (ValidationError). An error answer keeps its code.
 */
export function fromProtocolError(error: HuishouqianProtocolError, source: 'answer' | 'notification'): GatewayError {
  if (error instanceof ErrorAnswerError) return toDomainError(error.errorCode, error.errorMsg);
  if (source === 'notification') {
    return error instanceof MalformedNotificationError
      ? new ValidationError(error.message, null)
      : new ForbiddenError(`Notification not accepted: ${error.message}`);
  }
  return new ProviderError(
    `Huishouqian answer rejected: ${error.message}`,
    { provider: 'HUISHOUQIAN', providerCode: error.code, httpStatus: 200, retryable: false },
    { cause: error },
  );
}
