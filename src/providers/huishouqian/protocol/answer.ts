import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { responseSignString } from './envelope.js';
import { ErrorAnswerError, MalformedAnswerError, SignatureMismatchError } from './errors.js';
import type { SignatureScheme } from './signer.js';

/** The answer envelope (spec 1.3). `success` arrives as a JSON boolean in the example, as text in the table. */
const answerEnvelopeSchema = z.object({
  success: z.union([z.boolean(), z.string()]).transform((v) => String(v).toLowerCase() === 'true'),
  errorCode: z.string().nullish(),
  errorMsg: z.string().nullish(),
  result: z.string().nullish(),
  sign: z.string().nullish(),
});

export interface AnswerKeys {
  signKey: string;
  platformPublicKey: KeyObject;
  scheme: SignatureScheme;
}

/**
 * Parses the envelope and verifies its sign before anything of it is read, error answers included.
 * Returns the verified `result` text of a success; throws ErrorAnswerError for `success=false`.
 */
export function verifyAnswer(text: string, keys: AnswerKeys): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedAnswerError('The answer is not JSON');
  }
  const envelope = answerEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new MalformedAnswerError('The answer envelope is malformed');
  const { success, sign } = envelope.data;
  const result = envelope.data.result ?? null;
  const errorCode = envelope.data.errorCode ?? null;
  const errorMsg = envelope.data.errorMsg ?? null;
  if (!sign || !keys.scheme.verify(responseSignString({ success, result, errorCode, errorMsg }, keys.signKey), sign, keys.platformPublicKey)) {
    throw new SignatureMismatchError('The answer sign does not verify');
  }
  if (!success) throw new ErrorAnswerError(errorCode, errorMsg);
  if (result === null) throw new MalformedAnswerError('The answer carries no result');
  return result;
}
