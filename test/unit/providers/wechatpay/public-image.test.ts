import { createSecretKey, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMediaToken, verifyMediaToken } from '../../../../src/crypto/media-token.js';
import { NotFoundError, ProviderError } from '../../../../src/domain/errors.js';
import { parseOriginPattern } from '../../../../src/domain/origin-pattern.js';
import { createPublicImageFetcher, DEFAULT_PUBLIC_IMAGE_ORIGINS, isAllowedPublicImageUrl } from '../../../../src/providers/wechatpay/public-image.js';
import { createPng } from '../../../../src/sandbox/wechatpay/images.js';

const PNG = createPng(4);
// Room for the PNG, not for the 4 KiB padding of /big.
const LIMIT = PNG.length + 1024;

let server: Server;
let origin = '';
let requests: { url: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', authorization: request.headers.authorization });
    if (request.url === '/image.png') {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      response.end(PNG);
    } else if (request.url === '/html') {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end('<html><script>alert(1)</script></html>');
    } else if (request.url === '/redirect') {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      response.end();
    } else if (request.url === '/big') {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.concat([PNG, Buffer.alloc(4096)]));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('public image origins', () => {
  it('accepts the qpic.cn family over https only, and subdomains only where a wildcard says so', () => {
    const allowed = (url: string): boolean => isAllowedPublicImageUrl(new URL(url), DEFAULT_PUBLIC_IMAGE_ORIGINS);
    expect(allowed('https://qpic.cn/xxx')).toBe(true);
    expect(allowed('https://wx.qpic.cn/mmbiz/abc/0')).toBe(true);
    expect(allowed('http://qpic.cn/xxx')).toBe(false);
    expect(allowed('https://qpic.cn:8443/xxx')).toBe(false);
    expect(allowed('https://evilqpic.cn/xxx')).toBe(false);
    expect(allowed('https://qpic.cn.evil.example/xxx')).toBe(false);
    expect(allowed('https://user:pw@qpic.cn/xxx')).toBe(false);
    expect(allowed('https://169.254.169.254/latest/meta-data/')).toBe(false);
    expect(allowed('file:///etc/passwd')).toBe(false);
  });

  it('matches an explicit origin exactly (the sandbox: http on its own port) and rejects malformed patterns', () => {
    expect(isAllowedPublicImageUrl(new URL('http://127.0.0.1:4100/public-images/a'), ['http://127.0.0.1:4100'])).toBe(true);
    expect(isAllowedPublicImageUrl(new URL('http://127.0.0.1:4101/public-images/a'), ['http://127.0.0.1:4100'])).toBe(false);
    expect(isAllowedPublicImageUrl(new URL('https://qpic.cn/a'), ['https://qpic.cn:443'])).toBe(true);
    for (const bad of ['qpic.cn', 'https://qpic.cn/', 'ftp://qpic.cn', 'https://*', 'https://a..b', 'https://*.qpic.cn/path']) {
      expect(parseOriginPattern(bad)).toBeNull();
    }
  });
});

describe('createPublicImageFetcher', () => {
  it('fetches an allowed URL with a plain GET (no Authorization) and streams the checked image', async () => {
    requests = [];
    const fetchImage = createPublicImageFetcher({ allowedOrigins: [origin] });
    const download = await fetchImage(`${origin}/image.png`, LIMIT);
    expect(download.contentType).toBe('image/png');
    expect(await bytesOf(download.body)).toEqual(PNG);
    expect(requests).toEqual([{ url: '/image.png', authorization: undefined }]);
  });

  it('refuses other hosts before any request, and does not follow redirects', async () => {
    requests = [];
    const fetchImage = createPublicImageFetcher({ allowedOrigins: DEFAULT_PUBLIC_IMAGE_ORIGINS });
    await expect(fetchImage(`${origin}/image.png`, LIMIT)).rejects.toMatchObject({ providerCode: 'MEDIA_HOST_NOT_ALLOWED' });
    expect(requests).toEqual([]);
    const local = createPublicImageFetcher({ allowedOrigins: [origin] });
    await expect(local(`${origin}/redirect`, LIMIT)).rejects.toMatchObject({ providerCode: 'MEDIA_DOWNLOAD_FAILED', httpStatus: 302 });
    expect(requests.map((request) => request.url)).toEqual(['/redirect']);
  });

  it('reads 404 as an expired URL (NotFoundError), and refuses non-images and oversized answers', async () => {
    const fetchImage = createPublicImageFetcher({ allowedOrigins: [origin] });
    await expect(fetchImage(`${origin}/gone`, LIMIT)).rejects.toBeInstanceOf(NotFoundError);
    const html = await fetchImage(`${origin}/html`, LIMIT);
    await expect(bytesOf(html.body)).rejects.toMatchObject({ providerCode: 'MEDIA_NOT_IMAGE' });
    const big = await fetchImage(`${origin}/big`, LIMIT);
    await expect(bytesOf(big.body)).rejects.toBeInstanceOf(ProviderError);
  });
});

describe('media token source', () => {
  it('carries where the URL was found, so a history image is never sent down the signed download', () => {
    const secret = createSecretKey(randomBytes(32));
    const payload = { provider: 'WECHAT_PAY' as const, merchantNo: '1900000001', complaintId: 'c1', url: 'https://qpic.cn/x', expiresAt: 2_000_000_000 };
    expect(verifyMediaToken(secret, signMediaToken(secret, { ...payload, source: 'HISTORY_IMAGE' }), 0).source).toBe('HISTORY_IMAGE');
    expect(verifyMediaToken(secret, signMediaToken(secret, payload), 0).source).toBe('COMPLAINT_MEDIA');
  });
});
