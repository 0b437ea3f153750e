import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
// The providers' accepted types are a fact of the API, not gateway protocol code (DESIGN: the sandbox
// keeps its own signing and verification only), so the sandbox checks uploads with the one detector.
import { detectImageType, imageContentType } from '../../../providers/image-type.js';
import { parseMultipart } from '../multipart.js';
import { invalidRequest, paramError } from '../api-error.js';
import type { Route, RouteContext } from '../route.js';

/** Endpoints 12–13: image upload (multipart, meta signed) and signed media download (spec 3.9, 3.10). */

const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

function partsOf(body: Buffer, headers: IncomingHttpHeaders): { meta: Buffer; file: Buffer } {
  const parts = parseMultipart(body, headers);
  const meta = parts.find((part) => part.name === 'meta');
  const file = parts.find((part) => part.name === 'file');
  if (meta === undefined || file === undefined) throw paramError('上传需要 meta 与 file 两个分段');
  return { meta: meta.data, file: file.data };
}

export function createImageRoutes(context: RouteContext): Route[] {
  const { state } = context;
  return [
    {
      name: 'uploadImage',
      method: 'POST',
      path: '/v3/merchant-service/images/upload',
      // The signature covers the meta JSON exactly as sent in its part.
      signedBody: (body, headers) => partsOf(body, headers).meta,
      handle(request) {
        const { meta, file } = partsOf(request.body, request.headers);
        let parsed: unknown;
        try {
          parsed = JSON.parse(meta.toString('utf8'));
        } catch {
          throw paramError('meta 不是合法的 JSON');
        }
        const { filename, sha256 } = (parsed ?? {}) as Record<string, unknown>;
        if (typeof filename !== 'string' || filename.length === 0 || filename.length > 128) throw paramError('meta.filename 格式错误');
        if (typeof sha256 !== 'string' || sha256.length === 0) throw paramError('meta.sha256 格式错误');
        if (!/\.(jpe?g|png|bmp)$/i.test(filename)) throw invalidRequest('仅支持 JPG、BMP、PNG 格式的图片');
        if (file.length > MAX_IMAGE_BYTES) throw invalidRequest('图片大小不能超过2M');
        if (createHash('sha256').update(file).digest('hex') !== sha256.toLowerCase()) throw invalidRequest('图片 sha256 校验失败');
        const type = detectImageType(file);
        if (type === null) throw invalidRequest('图片内容不是 JPG、BMP、PNG 格式');
        const mediaId = `${randomBytes(16).toString('hex').toUpperCase()}.${type}`;
        state.uploads.set(mediaId, { owner: request.caller, bytes: file, contentType: imageContentType(type) });
        return { status: 200, json: { media_id: mediaId } };
      },
    },
    {
      name: 'downloadMedia',
      method: 'GET',
      path: '/v3/merchant-service/images/{media_id}',
      handle(request) {
        const raw = request.params['media_id'] ?? '';
        let id: string;
        try {
          id = decodeURIComponent(raw);
        } catch {
          throw paramError('media_id 编码错误');
        }
        // Uploaded ids are for replies only; real WeChat answers 400 when they are fetched.
        if (state.uploads.has(id)) throw invalidRequest('上传的图片不支持下载');
        const image = state.media.get(id);
        if (image === undefined) throw invalidRequest('图片不存在或已过期');
        return { status: 200, media: image };
      },
    },
  ];
}
