/**
 * Why an account's credentials check failed, as /readyz reports it:
 * - `auth`: the provider refused our signed request (signature, serial, key or merchant number);
 * - `signature`: the provider's answer failed our verification (wrong platform key or serial);
 * - `network`: no usable answer (timeout, refused connection, 5xx, rate limit): nothing is known.
 */
export type CredentialFailure = 'signature' | 'auth' | 'network';

/** The outcome of one account's signed, verified call (ProviderAccount.checkCredentials). */
export type CredentialCheck = { state: 'ok' } | { state: 'failing'; reason: CredentialFailure };

export const CREDENTIALS_OK: CredentialCheck = { state: 'ok' };

export function credentialsFailing(reason: CredentialFailure): CredentialCheck {
  return { state: 'failing', reason };
}

/** Several checks of one account (one per merchant key set): the worst wins, a refusal before a network failure. */
export function worstCheck(checks: readonly CredentialCheck[]): CredentialCheck {
  const failures = checks.flatMap((check) => (check.state === 'failing' ? [check.reason] : []));
  const reason = (['auth', 'signature', 'network'] as const).find((candidate) => failures.includes(candidate));
  return reason === undefined ? CREDENTIALS_OK : credentialsFailing(reason);
}
