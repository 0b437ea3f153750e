/**
 * Huishouqian's request envelope (spec 1.1) and the RSA2 sign strings (spec 3.1). The field order is
 * fixed, not alphabetical; empty values are skipped; the merchant's sign key is appended as `key`
 * and never sent. Documented: the envelope fields. Inferred from third-party clients: the strings.
 */
export interface RequestEnvelope {
  method: string;
  version: string;
  format: string;
  merchantNo: string;
  signType: string;
  signContent: string;
}

export const ENVELOPE_ORDER = ['method', 'version', 'format', 'merchantNo', 'signType', 'signContent'] as const;

/** The only values the documented example shows. */
export const ENVELOPE_VERSION = '1.0';
export const ENVELOPE_FORMAT = 'JSON';

function joined(pairs: readonly [string, string | undefined][], signKey: string): string {
  const parts = pairs.filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '').map(([name, value]) => `${name}=${value}`);
  return [...parts, `key=${signKey}`].join('&');
}

export function requestSignString(envelope: RequestEnvelope, signKey: string): string {
  return joined(
    ENVELOPE_ORDER.map((name) => [name, envelope[name]]),
    signKey,
  );
}

/** The answer's string: `success` is normalised to lower-case text (the example sends a JSON boolean). */
export function responseSignString(
  answer: { success: boolean; result?: string | null; errorCode?: string | null; errorMsg?: string | null },
  signKey: string,
): string {
  if (answer.success)
    return joined(
      [
        ['result', answer.result ?? undefined],
        ['success', 'true'],
      ],
      signKey,
    );
  return joined(
    [
      ['errorCode', answer.errorCode ?? undefined],
      ['errorMsg', answer.errorMsg ?? undefined],
      ['success', 'false'],
    ],
    signKey,
  );
}
