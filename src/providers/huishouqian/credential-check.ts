import { ConfigurationError, ForbiddenError, ProviderError, ValidationError } from '../../domain/errors.js';
import { beijingToday } from '../../domain/local-date.js';
import type { Clock } from '../http/clock.js';
import { CREDENTIALS_OK, credentialsFailing, worstCheck, type CredentialCheck, type CredentialFailure } from '../credential-check.js';
import type { HuishouqianClient } from './client.js';
import { SignatureMismatchError } from './protocol/errors.js';

export interface HuishouqianCredentialCheckOptions {
  /** One per merchant: each signs with its own private key and sign key. */
  clients: readonly Pick<HuishouqianClient, 'queryComplaints'>[];
  agentMerchantNo: string | null;
  clock: Clock;
}

/**
 * The query is well formed (the adapter's own list request), so a verified refusal is about us:
 * 130002 (the sandbox's "验签失败": our sign), 130004–130006 (merchant or agent number) and 130011
 * (sign key not set up). A sign that does not verify (fromProtocolError keeps the protocol error as
 * its cause): the platform key or our sign key is wrong. Anything else tells nothing about credentials.
 */
function failureOf(error: unknown): CredentialFailure {
  if (error instanceof ValidationError || error instanceof ForbiddenError || error instanceof ConfigurationError) return 'auth';
  if (error instanceof ProviderError && error.cause instanceof SignatureMismatchError) return 'signature';
  return 'network';
}

/**
 * One Huishouqian account's credentials check: per merchant, COMPLAINT_QUERY for today with
 * `limit` 1 — the one documented query, the cheapest signed call there is. Huishouqian signs every
 * answer, errors included, and the client verifies each before reading it. Huishouqian publishes no
 * limit; the call counts against the client's own per-merchant budget (one of 600 a minute).
 */
export function createHuishouqianCredentialCheck(options: HuishouqianCredentialCheckOptions): () => Promise<CredentialCheck> {
  const { clients, agentMerchantNo, clock } = options;
  const agent = agentMerchantNo === null ? {} : { agentMerchantNo };
  return async () => {
    const today = beijingToday(new Date(clock.now()));
    const checks = await Promise.all(
      clients.map(async (client) => {
        try {
          await client.queryComplaints({ beginDate: today, endDate: today, limit: 1, offset: 0, ...agent });
          return CREDENTIALS_OK;
        } catch (error) {
          return credentialsFailing(failureOf(error));
        }
      }),
    );
    return worstCheck(checks);
  };
}
