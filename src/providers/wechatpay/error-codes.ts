import { ForbiddenError, NotFoundError, ProviderError, RateLimitedError, ValidationError, type GatewayError } from '../../domain/errors.js';
import { DecryptionError, ImageRejectedError, MalformedNotificationError, type WechatPayProtocolError } from './protocol/errors.js';

export interface WechatPayErrorAnswer {
  httpStatus: number;
  code: string | null;
  message: string | null;
  retryAfterSeconds: number | null;
}

/**
 * WeChat Pay error answer → domain error. Status first, code second (spec 5.5). WeChat's message is
 * kept: it explains the rule that was broken and carries no secrets.
 */
export function toDomainError(answer: WechatPayErrorAnswer): GatewayError {
  const { httpStatus, code, message } = answer;
  const text = message ?? `WeChat Pay answered ${httpStatus}`;
  const provider = { provider: 'WECHAT_PAY', providerCode: code, httpStatus } as const;
  switch (true) {
    // PARAM_ERROR: malformed parameter; INVALID_REQUEST: well-formed but breaks a business rule.
    case httpStatus === 400 && (code === 'PARAM_ERROR' || code === 'INVALID_REQUEST'):
      return new ValidationError(`WeChat Pay rejected the request: ${text}`, null, { cause: new ProviderError(text, { ...provider, retryable: false }) });
    // NO_AUTH: the complaint belongs to another merchant, or the account lacks the permission.
    case httpStatus === 403:
      return new ForbiddenError(`WeChat Pay refused access: ${text}`);
    // RESOURCE_NOT_EXISTS / ORDER_NOT_EXIST: unknown complaint or no notification URL.
    case httpStatus === 404:
      return new NotFoundError(`WeChat Pay: ${text}`);
    // RATELIMIT_EXCEEDED / FREQUENCY_LIMITED: the provider's per-minute budget.
    case httpStatus === 429:
      return new RateLimitedError(`WeChat Pay rate limit: ${text}`, answer.retryAfterSeconds ?? 60);
    // SIGN_ERROR: our signature, serial or clock is wrong: a configuration problem, not retryable.
    case httpStatus === 401:
      return new ProviderError(`WeChat Pay did not accept the request signature: ${text}`, { ...provider, retryable: false });
    // SYSTEM_ERROR / SERVICE_UNAVAILABLE: try again later.
    case httpStatus >= 500:
      return new ProviderError(`WeChat Pay is unavailable: ${text}`, { ...provider, retryable: true });
    default:
      return new ProviderError(`WeChat Pay error: ${text}`, { ...provider, retryable: false });
  }
}

/**
 * The one mapping of protocol failures. An answer that cannot be trusted or read is WeChat's fault
 * (ProviderError); an image WeChat would refuse is the caller's (ValidationError). A notification
 * that does not verify is refused (ForbiddenError), one that does not even open is bad input.
 */
export function fromProtocolError(error: WechatPayProtocolError, source: 'answer' | 'notification'): GatewayError {
  if (source === 'notification') {
    if (error instanceof MalformedNotificationError || error instanceof DecryptionError) return new ValidationError(error.message, null);
    return new ForbiddenError(`Notification not accepted: ${error.message}`);
  }
  if (error instanceof ImageRejectedError) return new ValidationError(error.message, 'file');
  return new ProviderError(
    `WeChat Pay answer rejected: ${error.message}`,
    { provider: 'WECHAT_PAY', providerCode: error.code, httpStatus: null, retryable: false },
    { cause: error },
  );
}
