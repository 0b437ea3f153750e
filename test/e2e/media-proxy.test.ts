import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
let mediaUrls: string[] = [];

const COMPLAINT_MEDIA = /* GraphQL */ `
  query ComplaintMedia($first: Int!, $filter: ComplaintFilterInput) {
    complaints(first: $first, filter: $filter) {
      edges { node { provider media { urls } } }
    }
  }
`;

beforeAll(async () => {
  sandboxes = await startSandboxes();
  gateway = await startGateway(sandboxes);
  const { body } = await gateway.graphql<{ complaints: { edges: { node: { provider: string; media: { urls: string[] }[] } }[] } }>(COMPLAINT_MEDIA, {
    first: 100,
    filter: { providers: ['WECHAT_PAY'] },
  });
  mediaUrls = (body.data?.complaints.edges ?? []).flatMap((edge) => edge.node.media.flatMap((media) => media.urls));
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await sandboxes?.close();
});

describe('media proxy /media/{token}', () => {
  it('hands out gateway URLs, never the provider URL', () => {
    expect(mediaUrls.length).toBeGreaterThan(0);
    for (const url of mediaUrls) expect(url).toMatch(/^\/media\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('streams the signed download as an image with safe cache headers', async () => {
    const before = sandboxes.wechatpay.stats()['downloadMedia'] ?? 0;
    const response = await fetch(`${gateway.url}${mediaUrls[0]}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('private, max-age=86400, immutable');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // The bytes came through the provider's authenticated download endpoint.
    expect(sandboxes.wechatpay.stats()['downloadMedia']).toBe(before + 1);
  });

  it('refuses a tampered token without calling the provider', async () => {
    const before = sandboxes.wechatpay.stats()['downloadMedia'] ?? 0;
    const url = mediaUrls[0] ?? '';
    const tampered = `${url.slice(0, -2)}${url.endsWith('AA') ? 'BB' : 'AA'}`;
    const response = await fetch(`${gateway.url}${tampered}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: 'FORBIDDEN', message: 'invalid media token' });
    expect(sandboxes.wechatpay.stats()['downloadMedia'] ?? 0).toBe(before);
  });

  it('maps a provider failure to a typed status without its details', async () => {
    const fault = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'downloadMedia', kind: 'status', status: 500, count: 10 }),
    });
    expect(fault.status).toBe(201);
    const response = await fetch(`${gateway.url}${mediaUrls[0]}`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { code: string; message: string };
    expect(body).toEqual({ code: 'PROVIDER_ERROR', message: 'WECHAT_PAY media download failed' });
    await sandboxes.reset();
  });
});

describe('media proxy for Huishouqian (COMPLAINT_FILE_DOWNLOAD)', () => {
  it('shows an image a reply carried, through the history entry’s gateway URL', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(128, 3)]);
    const { body: listed } = await gateway.graphql<{ complaints: { edges: { node: { id: string; merchant: { id: string } } }[] } }>(
      `query { complaints(first: 1, filter: { providers: [HUISHOUQIAN], states: [PENDING] }) { edges { node { id merchant { id } } } } }`,
    );
    const complaint = listed.data?.complaints.edges[0]?.node;
    if (complaint === undefined) throw new Error('no pending Huishouqian complaint');

    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: 'mutation($m: ID!, $f: File!) { uploadImage(merchantId: $m, file: $f) { __typename ... on UploadImageSuccess { mediaId } } }',
        variables: { m: complaint.merchant.id, f: null },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'proof.png');
    const uploaded = (await (
      await fetch(gateway.graphqlUrl, { method: 'POST', body: form, headers: { authorization: 'Bearer sandbox-admin', 'x-graphql-yoga-csrf': '1' } })
    ).json()) as { data: { uploadImage: { mediaId: string } } };
    const replied = await gateway.graphql(`mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename } }`, {
      input: { complaintId: complaint.id, text: '已处理，凭证见图', imageMediaIds: [uploaded.data.uploadImage.mediaId] },
    });
    expect(replied.body.data).toEqual({ replyToComplaint: { __typename: 'ReplyToComplaintSuccess' } });

    const { body } = await gateway.graphql<{ complaint: { negotiationHistory: { edges: { node: { images: string[] } }[] } } }>(
      `query($id: ID!) { complaint(id: $id) { negotiationHistory(first: 50) { edges { node { images } } } } }`,
      { id: complaint.id },
    );
    const url = body.data?.complaint.negotiationHistory.edges.flatMap((edge) => edge.node.images)[0];
    expect(url).toMatch(/^\/media\//);
    const response = await fetch(`${gateway.url}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
  });
});
