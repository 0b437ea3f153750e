import type { KeyObject } from 'node:crypto';
import { ENVELOPE_ORDER, requestSignString, type RequestEnvelope } from './envelope.js';
import { MalformedNotificationError, SignatureMismatchError, UnknownMerchantError } from './errors.js';
import type { SignatureScheme } from './signer.js';

export interface NotificationKeys {
  /** The merchant's sign key, or undefined for a merchant this receiver does not serve. */
  signKeyFor(merchantNo: string): string | undefined;
  platformPublicKey: KeyObject;
  scheme: SignatureScheme;
}

export interface OpenedNotification {
  merchantNo: string;
  /** The signed content exactly as received (byte-identical for a redelivery and for a repeat of the same action). */
  signContent: string;
  /** `signContent` parsed (shape checked by the caller, who knows what it means). */
  content: unknown;
}

function fieldsOf(headers: Readonly<Record<string, string | undefined>>, body: Buffer): Record<string, string> {
  const text = body.toString('utf8');
  // Older clients parse JSON, newer ones a form (spec 2.1): accept both.
  if (!(headers['content-type'] ?? '').includes('json') && !text.trimStart().startsWith('{')) return Object.fromEntries(new URLSearchParams(text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedNotificationError('The notification body is not JSON');
  }
  if (typeof json !== 'object' || json === null) throw new MalformedNotificationError('The notification body is not an object');
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/**
 * A notification is an envelope signed like a request, with the platform key (spec 2.1, 3.1).
 * Verify first, then parse the content: nothing unverified gets past its bytes. Header names are
 * lower case.
 */
export function openNotification(headers: Readonly<Record<string, string | undefined>>, body: Buffer, keys: NotificationKeys): OpenedNotification {
  const fields = fieldsOf(headers, body);
  const merchantNo = fields['merchantNo'] ?? '';
  const signKey = keys.signKeyFor(merchantNo);
  if (signKey === undefined) throw new UnknownMerchantError('Notification for a merchant this account does not serve');
  const envelope = Object.fromEntries(ENVELOPE_ORDER.map((name) => [name, fields[name] ?? ''])) as Record<keyof RequestEnvelope, string>;
  if (!keys.scheme.verify(requestSignString(envelope, signKey), fields['sign'] ?? '', keys.platformPublicKey)) {
    throw new SignatureMismatchError('Notification signature does not verify');
  }
  try {
    return { merchantNo, signContent: envelope.signContent, content: JSON.parse(envelope.signContent) as unknown };
  } catch {
    throw new MalformedNotificationError('The notification content is not JSON');
  }
}
