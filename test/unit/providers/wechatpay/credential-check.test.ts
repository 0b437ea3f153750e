import { RequestError } from 'got';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../../src/domain/errors.js';
import { transportError } from '../../../../src/providers/http/to-provider-error.js';
import type { ListQuery } from '../../../../src/providers/wechatpay/client.js';
import { createWechatPayCredentialCheck } from '../../../../src/providers/wechatpay/credential-check.js';
import { fromProtocolError, toDomainError } from '../../../../src/providers/wechatpay/error-codes.js';
import { SignatureMismatchError, UnknownSerialError } from '../../../../src/providers/wechatpay/protocol/errors.js';
import { createFixedClock } from '../../../helpers/fixed-clock.js';

// 2026-12-01 20:00 UTC is already 2 December in Beijing.
const clock = createFixedClock(Date.parse('2026-12-01T20:00:00Z'));

/** The two client calls the check makes, scripted; the list queries it sent are kept. */
function fakeClient(probe: () => Promise<'verified' | 'accepted'>, list: () => Promise<unknown> = async () => ({ data: [] })) {
  const lists: ListQuery[] = [];
  return {
    lists,
    client: {
      probeCredentials: probe,
      forAccount: () => ({
        listComplaints: async (query: ListQuery) => {
          lists.push(query);
          return list();
        },
      }),
    },
  };
}

const check = (fake: ReturnType<typeof fakeClient>) => createWechatPayCredentialCheck({ client: fake.client, complaintedMchid: '1900000101', clock })();

describe('WeChat Pay credentials check', () => {
  it('is ok on a verified answer, with one call', async () => {
    const fake = fakeClient(async () => 'verified');
    expect(await check(fake)).toEqual({ state: 'ok' });
    expect(fake.lists).toEqual([]);
  });

  it('confirms the platform keys with a one-item list of today (Beijing) when the answer carried no signature to verify', async () => {
    const fake = fakeClient(async () => 'accepted');
    expect(await check(fake)).toEqual({ state: 'ok' });
    expect(fake.lists).toEqual([{ begin_date: '2026-12-02', end_date: '2026-12-02', limit: 1, offset: 0, complainted_mchid: '1900000101' }]);
  });

  it.each([
    ['401 SIGN_ERROR', toDomainError({ httpStatus: 401, code: 'SIGN_ERROR', message: '签名错误', retryAfterSeconds: null }), 'auth'],
    ['403 NO_AUTH', toDomainError({ httpStatus: 403, code: 'NO_AUTH', message: '无权限', retryAfterSeconds: null }), 'auth'],
    ['an answer signed with another key', fromProtocolError(new SignatureMismatchError('does not verify'), 'answer'), 'signature'],
    ['an answer naming an unknown serial', fromProtocolError(new UnknownSerialError('unknown serial'), 'answer'), 'signature'],
    ['a refused connection', transportError(new RequestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }, {} as never), 'WECHAT_PAY'), 'network'],
    ['a 500', toDomainError({ httpStatus: 500, code: 'SYSTEM_ERROR', message: null, retryAfterSeconds: null }), 'network'],
    ['a spent budget', new RateLimitedError('provider rate limit reached for this merchant, retry later', 5), 'network'],
  ] as const)('reports %s as %s', async (_, error, reason) => {
    expect(await check(fakeClient(() => Promise.reject(error)))).toEqual({ state: 'failing', reason });
    // The same failure on the confirming list reads the same.
    expect(
      await check(
        fakeClient(
          async () => 'accepted',
          () => Promise.reject(error),
        ),
      ),
    ).toEqual({ state: 'failing', reason });
  });
});
