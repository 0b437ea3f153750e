import { sign, verify, type KeyObject } from 'node:crypto';

/*
 * The sandbox's own RSA2 rule (spec 3.1), written apart from the gateway's client so that one
 * misreading cannot hide in both: fixed field order, empty values skipped, `&key=` last, hex.
 */
const REQUEST_FIELDS = ['method', 'version', 'format', 'merchantNo', 'signType', 'signContent'];

function text(pairs: [string, string | undefined][], signKey: string): string {
  return `${pairs
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}&key=${signKey}`;
}

export function verifyRequestSign(fields: Record<string, string>, signKey: string, publicKey: KeyObject): boolean {
  const signature = fields['sign'] ?? '';
  if (!/^[0-9a-f]+$/i.test(signature)) return false;
  const message = text(
    REQUEST_FIELDS.map((k) => [k, fields[k]]),
    signKey,
  );
  try {
    return verify('sha256', Buffer.from(message), publicKey, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}

export function signNotification(fields: Record<string, string>, signKey: string, platformKey: KeyObject): string {
  return sign(
    'sha256',
    Buffer.from(
      text(
        REQUEST_FIELDS.map((k) => [k, fields[k]]),
        signKey,
      ),
    ),
    platformKey,
  ).toString('hex');
}

export function signAnswer(
  answer: { success: boolean; result?: string; errorCode?: string; errorMsg?: string },
  signKey: string,
  platformKey: KeyObject,
): string {
  const pairs: [string, string | undefined][] = answer.success
    ? [
        ['result', answer.result],
        ['success', 'true'],
      ]
    : [
        ['errorCode', answer.errorCode],
        ['errorMsg', answer.errorMsg],
        ['success', 'false'],
      ];
  return sign('sha256', Buffer.from(text(pairs, signKey)), platformKey).toString('hex');
}
