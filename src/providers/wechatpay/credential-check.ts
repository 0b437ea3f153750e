import { beijingToday } from '../../domain/local-date.js';
import { ForbiddenError, ProviderError } from '../../domain/errors.js';
import type { Clock } from '../http/clock.js';
import { CREDENTIALS_OK, credentialsFailing, type CredentialCheck, type CredentialFailure } from '../credential-check.js';
import type { ListQuery } from './client.js';
import { WechatPayProtocolError } from './protocol/errors.js';

export interface WechatPayCredentialCheckOptions {
  /** The account's client: its probe, and its own calls' list. */
  client: { probeCredentials(): Promise<'verified' | 'accepted'>; forAccount(): { listComplaints(query: ListQuery): Promise<unknown> } };
  /** A merchant the account serves: a service provider's list must name one of its sub-merchants. */
  complaintedMchid: string;
  clock: Clock;
}

/**
 * 401 SIGN_ERROR (signature, serial or clock) and 403 NO_AUTH (wrong merchant or no permission):
 * WeChat refused us. An answer that failed our verification (fromProtocolError keeps the protocol
 * error as its cause): our platform keys are wrong. Anything else tells nothing about credentials.
 */
function failureOf(error: unknown): CredentialFailure {
  if (error instanceof ForbiddenError) return 'auth';
  if (error instanceof ProviderError && error.httpStatus === 401) return 'auth';
  if (error instanceof ProviderError && error.cause instanceof WechatPayProtocolError) return 'signature';
  return 'network';
}

/**
 * One WeChat Pay account's credentials check: GET the notification URL, an own call from the pool
 * of the account's notificationUrl budget. WeChat signs every answer to a request whose signature
 * it accepted, the 404 "none set" included (APIv3 signature guide; the spec is silent). Should an
 * error answer come unsigned or signed otherwise, a one-item list of today follows, whose 2xx answer
 * is verified like every list answer: two calls per check at most.
 */
export function createWechatPayCredentialCheck(options: WechatPayCredentialCheckOptions): () => Promise<CredentialCheck> {
  const { client, complaintedMchid, clock } = options;
  return async () => {
    try {
      if ((await client.probeCredentials()) === 'verified') return CREDENTIALS_OK;
      const today = beijingToday(new Date(clock.now()));
      await client.forAccount().listComplaints({ begin_date: today, end_date: today, limit: 1, offset: 0, complainted_mchid: complaintedMchid });
      return CREDENTIALS_OK;
    } catch (error) {
      return credentialsFailing(failureOf(error));
    }
  };
}
