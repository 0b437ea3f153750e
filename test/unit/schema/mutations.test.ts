import { describe, expect, it } from 'vitest';
import { ProviderError, RateLimitedError } from '../../../src/domain/errors.js';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { merchantGlobalId } from '../../helpers/global-ids.js';
import { ADMIN_AUTHORIZATION } from '../../helpers/access-tokens.js';
import { createFakeProvider, makeComplaint, type FakeProvider } from '../../helpers/fake-provider.js';
import { createHarness, HARNESS_PUBLIC_BASE_URL, type Harness } from './harness.js';

const LIST = `{ complaints(first: 50, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { complaintId state } } } }`;
const DETAIL = `query($id: ID!) { complaint(id: $id) { state negotiationHistory(first: 10) { edges { node { operateType details } } } } }`;

function setup(options: { capabilities?: FakeProvider['merchant']['capabilities'] } = {}) {
  const provider = createFakeProvider({ merchantNo: '1900000001', ...options });
  const key = { ...provider.merchant, complaintId: 'c1' };
  provider.add(makeComplaint(key, '2026-11-02T09:30:00+08:00'));
  provider.add(makeComplaint({ ...key, complaintId: 'c2' }, '2026-11-03T09:30:00+08:00'));
  const harness = createHarness([provider]);
  return { provider, key, id: complaintGlobalId(key), harness };
}

/** Reads list and detail once so the shared cache holds the old state. */
async function warm(harness: Harness, id: string) {
  await harness.run(LIST);
  await harness.run(DETAIL, { id });
}

function stateIn(list: Awaited<ReturnType<Harness['run']>>, complaintId: string): string {
  return list.data?.['complaints'].edges.find((edge: { node: { complaintId: string } }) => edge.node.complaintId === complaintId).node.state;
}

describe('mutations', () => {
  it('replyToComplaint: the new state is visible in the payload, the list and the history right after', async () => {
    const { provider, id, harness } = setup();
    await warm(harness, id);
    const result = await harness.run(
      `mutation($input: ReplyToComplaintInput!) {
        replyToComplaint(input: $input) { __typename ... on ReplyToComplaintSuccess { complaint { state } } ... on Error { code message } }
      }`,
      { input: { complaintId: id, text: 'We are refunding today.' } },
    );
    expect(result.data?.['replyToComplaint']).toEqual({ __typename: 'ReplyToComplaintSuccess', complaint: { state: 'PROCESSING' } });
    expect(stateIn(await harness.run(LIST), 'c1')).toBe('PROCESSING');
    const detail = await harness.run(DETAIL, { id });
    expect(detail.data?.['complaint'].negotiationHistory.edges).toEqual([{ node: { operateType: 'MERCHANT_RESPONSE', details: 'We are refunding today.' } }]);
    expect(provider.calls['reply']).toBe(1);
  });

  it('completeComplaint and updateRefundProgress invalidate what they change', async () => {
    const { id, harness } = setup();
    await warm(harness, id);
    const completed = await harness.run(
      `mutation($id: ID!) { completeComplaint(input: { complaintId: $id }) { __typename ... on CompleteComplaintSuccess { complaint { state } } } }`,
      { id },
    );
    expect(completed.data?.['completeComplaint']).toEqual({ __typename: 'CompleteComplaintSuccess', complaint: { state: 'PROCESSED' } });
    expect(stateIn(await harness.run(LIST), 'c1')).toBe('PROCESSED');

    const refund = await harness.run(
      `mutation($id: ID!) {
        updateRefundProgress(input: { complaintId: $id, decision: { reject: { rejectReason: "already shipped" } } }) {
          __typename ... on UpdateRefundProgressSuccess { complaint { negotiationHistory(first: 5) { edges { node { operateType } } } } }
        }
      }`,
      { id },
    );
    expect(refund.data?.['updateRefundProgress'].complaint.negotiationHistory.edges).toEqual([{ node: { operateType: 'MERCHANT_REFUSE_RERUND' } }]);
  });

  it('replyImmediately takes a @oneOf message and returns the log id', async () => {
    const { id, harness } = setup();
    const MUTATION = `mutation($input: ReplyImmediatelyInput!) {
      replyImmediately(input: $input) { __typename ... on ReplyImmediatelySuccess { logId complaint { state } } ... on Error { code } }
    }`;
    const ok = await harness.run(MUTATION, {
      input: {
        complaintId: id,
        idempotencyKey: 'k-1',
        message: {
          blocks: [{ text: { text: 'Hello', bold: true } }, { button: { text: 'Refund', action: { jumpUrl: { url: 'https://shop.example/refund' } } } }],
          senderIdentity: 'MANUAL',
        },
      },
    });
    expect(ok.data?.['replyImmediately']).toEqual({ __typename: 'ReplyImmediatelySuccess', logId: 'log-c1-1', complaint: { state: 'PROCESSING' } });

    const twoKinds = await harness.run(MUTATION, {
      input: { complaintId: id, idempotencyKey: 'k-2', message: { blocks: [{ text: { text: 'a' }, image: { mediaId: 'm' } }] } },
    });
    expect(twoKinds.data ?? null).toBeNull();
    expect(twoKinds.errors?.[0]?.message).toMatch(/Exactly one key/);
  });

  it('returns typed errors: unsupported capability, provider failure, rate limit, bad id, bad input', async () => {
    const { id, harness, provider } = setup({ capabilities: ['LIST_COMPLAINTS', 'COMPLAINT_DETAIL', 'REPLY'] });
    const COMPLETE = `mutation($id: ID!) {
      completeComplaint(input: { complaintId: $id }) {
        __typename
        ... on Error { code message }
        ... on UnsupportedError { capability provider }
        ... on ProviderError { provider providerCode httpStatus retryable }
        ... on RateLimitedError { retryAfterSeconds }
        ... on ValidationError { field }
      }
    }`;
    const unsupported = await harness.run(COMPLETE, { id });
    expect(unsupported.data?.['completeComplaint']).toMatchObject({
      __typename: 'UnsupportedError',
      code: 'UNSUPPORTED',
      capability: 'COMPLETE',
      provider: 'WECHAT_PAY',
    });
    expect(provider.calls['complete'] ?? 0).toBe(0);

    const badId = await harness.run(COMPLETE, { id: 'Zm9v' });
    expect(badId.data?.['completeComplaint']).toMatchObject({ __typename: 'ValidationError', field: 'input.complaintId' });

    const REPLY = `mutation($input: ReplyToComplaintInput!) {
      replyToComplaint(input: $input) { __typename ... on Error { code } ... on ProviderError { providerCode httpStatus } ... on RateLimitedError { retryAfterSeconds } ... on ValidationError { field } }
    }`;
    const tooLong = await harness.run(REPLY, { input: { complaintId: id, text: 'x'.repeat(201) } });
    expect(tooLong.data?.['replyToComplaint']).toMatchObject({ __typename: 'ValidationError', field: 'input.text' });

    provider.failure = new ProviderError('rejected', { provider: 'WECHAT_PAY', providerCode: 'PARAM_ERROR', httpStatus: 400, retryable: false });
    const failed = await harness.run(REPLY, { input: { complaintId: id, text: 'hi' } });
    expect(failed.data?.['replyToComplaint']).toEqual({ __typename: 'ProviderError', code: 'PROVIDER_ERROR', providerCode: 'PARAM_ERROR', httpStatus: 400 });

    provider.failure = new RateLimitedError('slow down', 30);
    const limited = await harness.run(REPLY, { input: { complaintId: id, text: 'hi' } });
    expect(limited.data?.['replyToComplaint']).toEqual({ __typename: 'RateLimitedError', code: 'RATE_LIMITED', retryAfterSeconds: 30 });

    provider.failure = new TypeError('internal detail');
    const unexpected = await harness.run(REPLY, { input: { complaintId: id, text: 'hi' } });
    expect(unexpected.data?.['replyToComplaint'] ?? null).toBeNull();
    expect(unexpected.errors?.[0]?.message).not.toContain('internal detail');
  });

  it('uploadImage takes a GraphQL multipart upload and refuses oversized files', async () => {
    const { harness } = setup();
    const merchantId = merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: '1900000001' });
    const upload = async (bytes: number) => {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({
          query: `mutation($m: ID!, $f: File!) { uploadImage(merchantId: $m, file: $f) { __typename ... on UploadImageSuccess { mediaId merchant { merchantNo } } ... on ValidationError { field } } }`,
          variables: { m: merchantId, f: null },
        }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.f'] }));
      form.append('0', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'proof.png');
      // A Headers object: with a plain object whatwg-node's in-process fetch cut larger multipart bodies short.
      const response = await harness.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        body: form,
        headers: new Headers({ ...ADMIN_AUTHORIZATION, 'x-graphql-yoga-csrf': '1' }),
      });
      return (await response.json()) as { data: { uploadImage: Record<string, unknown> } };
    };
    expect((await upload(100)).data.uploadImage).toEqual({
      __typename: 'UploadImageSuccess',
      mediaId: 'media-proof.png-100',
      merchant: { merchantNo: '1900000001' },
    });
    expect((await upload(2000)).data.uploadImage).toEqual({ __typename: 'ValidationError', field: 'file' });
  });

  it('notification URL mutations change what Merchant.notificationUrl shows right after', async () => {
    const { harness } = setup();
    const merchantId = merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: '1900000001' });
    const own = `${HARNESS_PUBLIC_BASE_URL}/webhooks/wechatpay/1900000001`;
    const read = async () => (await harness.run(`{ merchants { notificationUrl } }`)).data?.['merchants'][0].notificationUrl;
    expect(await read()).toBeNull();
    const created = await harness.run(
      `mutation($m: ID!, $url: String) { createNotificationUrl(input: { merchantId: $m, url: $url }) { __typename ... on CreateNotificationUrlSuccess { url } } }`,
      { m: merchantId, url: own },
    );
    expect(created.data?.['createNotificationUrl']).toEqual({ __typename: 'CreateNotificationUrlSuccess', url: own });
    expect(await read()).toBe(own);
    const deleted = await harness.run(
      `mutation($m: ID!) { deleteNotificationUrl(input: { merchantId: $m }) { __typename ... on DeleteNotificationUrlSuccess { url } } }`,
      {
        m: merchantId,
      },
    );
    expect(deleted.data?.['deleteNotificationUrl']).toEqual({ __typename: 'DeleteNotificationUrlSuccess', url: null });
    expect(await read()).toBeNull();
    // Without a url the gateway registers its own webhook: the caller need not know it.
    const updated = await harness.run(
      `mutation($m: ID!) { updateNotificationUrl(input: { merchantId: $m }) { __typename ... on UpdateNotificationUrlSuccess { url } } }`,
      {
        m: merchantId,
      },
    );
    expect(updated.data?.['updateNotificationUrl']).toEqual({ __typename: 'UpdateNotificationUrlSuccess', url: own });
    expect(await read()).toBe(own);
    const bad = await harness.run(
      `mutation { createNotificationUrl(input: { merchantId: "x", url: "https://a.example" }) { __typename ... on ValidationError { field } } }`,
    );
    expect(bad.data?.['createNotificationUrl']).toEqual({ __typename: 'ValidationError', field: 'input.merchantId' });
  });
});

describe("notification URL mutations register only this gateway's own webhook", () => {
  const SET = (mutation: 'createNotificationUrl' | 'updateNotificationUrl') =>
    `mutation($input: SetNotificationUrlInput!) { ${mutation}(input: $input) { __typename ... on Error { code message } ... on ValidationError { field } } }`;

  function world(publicBaseUrl?: string | null) {
    const merchant = createFakeProvider({ merchantNo: '1900000001' });
    const other = createFakeProvider({ merchantNo: '1900000002' });
    const harness = createHarness([merchant, other], publicBaseUrl === undefined ? {} : { publicBaseUrl });
    return { merchant, other, harness, merchantId: merchantGlobalId(merchant.merchant) };
  }

  const upstreamWrites = (provider: FakeProvider): number => (provider.calls['createNotificationUrl'] ?? 0) + (provider.calls['updateNotificationUrl'] ?? 0);

  const refusals: [string, string][] = [
    ['another host', 'https://attacker.example/webhooks/wechatpay/1900000001'],
    ['another path', `${HARNESS_PUBLIC_BASE_URL}/webhooks/wechatpay/1900000001/extra`],
    ["another provider's route", `${HARNESS_PUBLIC_BASE_URL}/webhooks/huishouqian/1900000001`],
    ['another account of this gateway', `${HARNESS_PUBLIC_BASE_URL}/webhooks/wechatpay/1900000002`],
    ['http where the base is https', 'http://gateway.test/webhooks/wechatpay/1900000001'],
    ['a query string', `${HARNESS_PUBLIC_BASE_URL}/webhooks/wechatpay/1900000001?to=elsewhere`],
    ['no URL at all', 'not a url'],
  ];
  for (const [name, url] of refusals) {
    it(`refuses ${name} with a ValidationError on input.url, before any upstream call`, async () => {
      const { merchant, other, harness, merchantId } = world();
      for (const mutation of ['createNotificationUrl', 'updateNotificationUrl'] as const) {
        const result = await harness.run(SET(mutation), { input: { merchantId, url } });
        expect(result.data?.[mutation]).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_ERROR', field: 'input.url' });
      }
      expect(upstreamWrites(merchant) + upstreamWrites(other)).toBe(0);
    });
  }

  it('refuses an http base URL that is not loopback, even for the URL it names', async () => {
    const { merchant, harness, merchantId } = world('http://gateway.example');
    for (const url of ['http://gateway.example/webhooks/wechatpay/1900000001', undefined]) {
      const result = await harness.run(SET('createNotificationUrl'), { input: { merchantId, url } });
      expect(result.data?.['createNotificationUrl']).toMatchObject({
        __typename: 'ValidationError',
        field: 'input.url',
        message: expect.stringContaining('https'),
      });
    }
    expect(upstreamWrites(merchant)).toBe(0);
  });

  it('accepts http for a loopback base URL (sandbox mode, tests)', async () => {
    const { merchant, harness, merchantId } = world('http://127.0.0.1:4000');
    const url = 'http://127.0.0.1:4000/webhooks/wechatpay/1900000001';
    const result = await harness.run(SET('createNotificationUrl'), { input: { merchantId, url } });
    expect(result.data?.['createNotificationUrl']).toEqual({ __typename: 'CreateNotificationUrlSuccess' });
    expect(await merchant.getNotificationUrl()).toBe(url);
  });

  it('with no public base URL configured, refuses and tells the operator what to set', async () => {
    const { merchant, harness, merchantId } = world(null);
    for (const url of [`${HARNESS_PUBLIC_BASE_URL}/webhooks/wechatpay/1900000001`, undefined]) {
      const result = await harness.run(SET('updateNotificationUrl'), { input: { merchantId, url } });
      expect(result.data?.['updateNotificationUrl']).toMatchObject({
        __typename: 'ValidationError',
        field: 'input.url',
        message: expect.stringMatching(/server\.publicBaseUrl.*PUBLIC_BASE_URL/),
      });
    }
    expect(upstreamWrites(merchant)).toBe(0);
  });

  it('keeps the path of a base URL behind a prefix', async () => {
    const { merchant, harness, merchantId } = world('https://edge.example/complaints/');
    const result = await harness.run(SET('createNotificationUrl'), { input: { merchantId } });
    expect(result.data?.['createNotificationUrl']).toEqual({ __typename: 'CreateNotificationUrlSuccess' });
    expect(await merchant.getNotificationUrl()).toBe('https://edge.example/complaints/webhooks/wechatpay/1900000001');
  });
});
