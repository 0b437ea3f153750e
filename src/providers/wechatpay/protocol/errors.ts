/**
 * Protocol failures. They name what was wrong, never key material or the payload; the adapter maps
 * them to ProviderError (answers) or ForbiddenError (notifications).
 */
export abstract class WechatPayProtocolError extends Error {
  abstract readonly code: string;
}

export class SignatureMismatchError extends WechatPayProtocolError {
  override readonly name = 'SignatureMismatchError';
  readonly code = 'SIGNATURE_MISMATCH';
}

export class TimestampSkewError extends WechatPayProtocolError {
  override readonly name = 'TimestampSkewError';
  readonly code = 'TIMESTAMP_SKEW';
}

export class UnknownSerialError extends WechatPayProtocolError {
  override readonly name = 'UnknownSerialError';
  readonly code = 'UNKNOWN_SERIAL';
}

export class MissingSignatureError extends WechatPayProtocolError {
  override readonly name = 'MissingSignatureError';
  readonly code = 'MISSING_SIGNATURE';
}

export class DecryptionError extends WechatPayProtocolError {
  override readonly name = 'DecryptionError';
  readonly code = 'DECRYPTION_FAILED';
}

export class ImageRejectedError extends WechatPayProtocolError {
  override readonly name = 'ImageRejectedError';
  readonly code = 'IMAGE_REJECTED';
}

export class MalformedNotificationError extends WechatPayProtocolError {
  override readonly name = 'MalformedNotificationError';
  readonly code = 'MALFORMED_NOTIFICATION';
}

export class MalformedCertificateError extends WechatPayProtocolError {
  override readonly name = 'MalformedCertificateError';
  readonly code = 'MALFORMED_CERTIFICATE';
}
