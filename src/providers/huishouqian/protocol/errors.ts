/** The answer's signature does not verify: nothing of it may be trusted. */
export class HuishouqianSignatureError extends Error {
  override readonly name = 'HuishouqianSignatureError';
  readonly code = 'SIGNATURE_MISMATCH';
}
