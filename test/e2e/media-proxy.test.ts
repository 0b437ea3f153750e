import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/providers/http/clock.js';
import { createPng } from '../../src/sandbox/wechatpay/images.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

let sandboxes: Sandboxes;
let gateway: GatewayUnderTest;
let mediaUrls: string[] = [];
// The sandboxes' clock only: moved forward to let a public history image URL expire upstream.
let sandboxOffsetMs = 0;
const sandboxClock: Clock = { now: () => Date.now() + sandboxOffsetMs, nonce: (length) => systemClock.nonce(length) };

/** uploadImage through the gateway's multipart GraphQL request; returns the provider's media id. */
async function uploadThroughGateway(merchantId: string, png: Buffer): Promise<string> {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: 'mutation($m: ID!, $f: File!) { uploadImage(merchantId: $m, file: $f) { __typename ... on UploadImageSuccess { mediaId } } }',
      variables: { m: merchantId, f: null },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'proof.png');
  const uploaded = (await (
    await fetch(gateway.graphqlUrl, { method: 'POST', body: form, headers: { authorization: 'Bearer sandbox-admin', 'x-graphql-yoga-csrf': '1' } })
  ).json()) as { data: { uploadImage: { mediaId: string } } };
  return uploaded.data.uploadImage.mediaId;
}

const COMPLAINT_MEDIA = /* GraphQL */ `
  query ComplaintMedia($first: Int!, $filter: ComplaintFilterInput) {
    complaints(first: $first, filter: $filter) {
      edges { node { provider media { urls } } }
    }
  }
`;

beforeAll(async () => {
  sandboxes = await startSandboxes({ clock: sandboxClock });
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
  it('hands out gateway URLs under the public base URL, never the provider URL', () => {
    expect(mediaUrls.length).toBeGreaterThan(0);
    // startGateway's public base URL is where it listens.
    for (const url of mediaUrls) expect(url).toMatch(new RegExp(`^${gateway.url}/media/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
  });

  it('streams the signed download as an image with safe cache headers', async () => {
    const before = sandboxes.wechatpay.stats()['downloadMedia'] ?? 0;
    const response = await fetch(mediaUrls[0] ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('private, max-age=86400, immutable');
    // Images are compressed already: sent as they are, whatever the client accepts.
    expect(response.headers.get('content-encoding')).toBeNull();
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
    const response = await fetch(tampered);
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
    const response = await fetch(mediaUrls[0] ?? '');
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

    const mediaId = await uploadThroughGateway(complaint.merchant.id, png);
    const replied = await gateway.graphql(`mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename } }`, {
      input: { complaintId: complaint.id, text: '已处理，凭证见图', imageMediaIds: [mediaId] },
    });
    expect(replied.body.data).toEqual({ replyToComplaint: { __typename: 'ReplyToComplaintSuccess' } });

    const { body } = await gateway.graphql<{ complaint: { negotiationHistory: { edges: { node: { images: string[] } }[] } } }>(
      `query($id: ID!) { complaint(id: $id) { negotiationHistory(first: 50) { edges { node { images } } } } }`,
      { id: complaint.id },
    );
    const url = body.data?.complaint.negotiationHistory.edges.flatMap((edge) => edge.node.images)[0];
    expect(url?.startsWith(`${gateway.url}/media/`)).toBe(true);
    const response = await fetch(url ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
  });
});

describe('media proxy for WeChat Pay history images (public image_list URLs, spec 2.2)', () => {
  interface HistoryNode {
    operator: string;
    operateType: string;
    images: string[];
    media: { kind: string; urls: string[] } | null;
  }
  const HISTORY = /* GraphQL */ `
    query($id: ID!) { complaint(id: $id) { negotiationHistory(first: 20) { edges { node { operator operateType images media { kind urls } } } } } }
  `;

  it('streams a merchant-attached reply image unsigned through /media/, keeps user images out, and fails cleanly once it expired', async () => {
    const png = createPng(11);
    const filed = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
      method: 'POST',
      body: JSON.stringify({ mchid: sandboxes.wechatpay.keys.merchants.find((merchant) => merchant.kind === 'direct')?.mchid }),
    });
    const complaintId = ((await filed.json()) as { complaint_id: string }).complaint_id;
    const { body: listed } = await gateway.graphql<{ complaints: { edges: { node: { id: string; merchant: { id: string } } }[] } }>(
      `query($f: ComplaintFilterInput) { complaints(first: 1, filter: $f) { edges { node { id merchant { id } } } } }`,
      { f: { providers: ['WECHAT_PAY'], complaintId } },
    );
    const complaint = listed.data?.complaints.edges[0]?.node;
    if (complaint === undefined) throw new Error('the filed WeChat Pay complaint is not listed');

    const mediaId = await uploadThroughGateway(complaint.merchant.id, png);
    const replied = await gateway.graphql(`mutation($input: ReplyToComplaintInput!) { replyToComplaint(input: $input) { __typename } }`, {
      input: { complaintId: complaint.id, text: '已处理，凭证见图', imageMediaIds: [mediaId] },
    });
    expect(replied.body.data).toEqual({ replyToComplaint: { __typename: 'ReplyToComplaintSuccess' } });

    const { body } = await gateway.graphql<{ complaint: { negotiationHistory: { edges: { node: HistoryNode }[] } } }>(HISTORY, { id: complaint.id });
    const nodes = body.data?.complaint.negotiationHistory.edges.map((edge) => edge.node) ?? [];
    // The user's complaint image is evidence in `media`, never in `images`.
    const created = nodes.find((node) => node.operateType === 'USER_CREATE_COMPLAINT');
    expect(created?.media?.kind).toBe('USER_COMPLAINT_IMAGE');
    expect(created?.media?.urls.length).toBeGreaterThan(0);
    for (const node of nodes.filter((entry) => entry.operator === '投诉人')) expect(node.images).toEqual([]);
    const images = nodes.find((node) => node.operateType === 'MERCHANT_RESPONSE')?.images ?? [];
    expect(images).toHaveLength(1);
    expect(images[0]).toMatch(new RegExp(`^${gateway.url}/media/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));

    const signedBefore = sandboxes.wechatpay.stats()['downloadMedia'] ?? 0;
    const response = await fetch(images[0] ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    // Fetched from the public host: the signed download endpoint was not called.
    expect(sandboxes.wechatpay.stats()['downloadMedia'] ?? 0).toBe(signedBefore);

    // An hour later upstream the public URL has expired: a typed 404, not a 500 (the gateway token is still valid).
    sandboxOffsetMs = 3_600_000 + 5_000;
    try {
      const expired = await fetch(images[0] ?? '');
      expect(expired.status).toBe(404);
      expect(await expired.json()).toEqual({ code: 'NOT_FOUND', message: 'media not found' });
    } finally {
      sandboxOffsetMs = 0;
    }
    expect(sandboxes.wechatpay.stats()['downloadMedia'] ?? 0).toBe(signedBefore);
  });
});
