import { describe, expect, it } from 'vitest';
import { merchantGlobalId } from '../../helpers/global-ids.js';
import { testAccessTokens, testToken } from '../../helpers/access-tokens.js';
import { createFakeProvider } from '../../helpers/fake-provider.js';
import { createHarness, HARNESS_PUBLIC_BASE_URL } from './harness.js';

/* Rules of the schema's authorization that the demo tokens of the e2e matrix do not reach. */

const SET_URL = `mutation($input: SetNotificationUrlInput!) { updateNotificationUrl(input: $input) { __typename ... on Error { code message } } }`;
const URLS = `{ merchants { merchantNo notificationUrl } }`;

function setup() {
  // Two sub-merchants of one service provider: WeChat Pay keeps one notification URL for both.
  const first = createFakeProvider({ merchantNo: '1900000301', accountNo: '1900000200' });
  const second = createFakeProvider({ merchantNo: '1900000302', accountNo: '1900000200' });
  const tokens = testAccessTokens([
    testToken('one-sub-merchant', ['complaints:read', 'notifications:admin'], [{ merchantNo: '1900000301' }]),
    testToken(
      'both-sub-merchants',
      ['complaints:read', 'notifications:admin'],
      [{ merchantNo: '1900000301' }, { provider: 'WECHAT_PAY', merchantNo: '1900000302' }],
    ),
    testToken('no-scopes-granted-here', ['pii:read'], 'all'),
  ]);
  return { first, second, harness: createHarness([first, second], { accessTokens: tokens }) };
}

describe('authorization in the schema', () => {
  it('a per-account setting changes only for a token granted every merchant of the account', async () => {
    const { first, second, harness } = setup();
    const input = { merchantId: merchantGlobalId(first.merchant), url: `${HARNESS_PUBLIC_BASE_URL}/webhooks/wechatpay/1900000200` };
    const refused = await harness.run(SET_URL, { input }, 'one-sub-merchant');
    expect(refused.data?.['updateNotificationUrl']).toMatchObject({ __typename: 'ForbiddenError', message: expect.stringContaining('shared') });
    // Neither the service provider's number nor the sibling it was not granted.
    expect(JSON.stringify(refused)).not.toMatch(/1900000200|1900000302/);
    expect(first.calls['updateNotificationUrl'] ?? 0).toBe(0);
    // Reading it is refused too: the account's URL names the service provider's account.
    const unread = await harness.run(URLS, undefined, 'one-sub-merchant');
    expect(unread.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('shared') });
    expect(JSON.stringify(unread)).not.toMatch(/1900000200|1900000302/);
    expect(first.calls['getNotificationUrl'] ?? 0).toBe(0);

    await harness.run(URLS, undefined, 'both-sub-merchants');
    const readsBefore = second.calls['getNotificationUrl'] ?? 0;
    const changed = await harness.run(SET_URL, { input }, 'both-sub-merchants');
    expect(changed.data?.['updateNotificationUrl']).toEqual({ __typename: 'UpdateNotificationUrlSuccess' });
    // The sibling's cached URL is stale now too: the next read asks its provider again.
    await harness.run(URLS, undefined, 'both-sub-merchants');
    expect(second.calls['getNotificationUrl']).toBe(readsBefore + 1);
  });

  it('a token without complaints:read reads nothing, each field refused with the scope named', async () => {
    const { harness } = setup();
    const result = await harness.run(`{ merchants { merchantNo } complaints { edges { cursor } } }`, undefined, 'no-scopes-granted-here');
    expect(result.data).toBeNull();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('complaints:read') });
  });
});
