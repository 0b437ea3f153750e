import { BusinessError, invalidParameter } from '../business-error.js';
import type { Handler, RouteContext } from '../route.js';
import { detectImageType } from '../../../providers/image-type.js';

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** COMPLAINT_FILE_UPLOAD and COMPLAINT_FILE_DOWNLOAD (spec 2, third-party): files as base64. */
export function createFileRoutes(context: RouteContext): Record<'uploadFile' | 'downloadFile', Handler> {
  const { state } = context;
  return {
    uploadFile(_merchantNo, business) {
      const img = business['img'];
      if (typeof img !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(img)) throw invalidParameter('img 参数校验失败');
      const bytes = Buffer.from(img, 'base64');
      if (bytes.length > MAX_FILE_BYTES) throw new BusinessError('130007', '文件过大');
      if (detectImageType(bytes) === null) throw new BusinessError('130008', '文件类型不合法');
      return { fileId: state.upload(bytes) };
    },
    downloadFile(merchantNo, business) {
      const complaint = state.find(merchantNo, business['complaintId']);
      if (typeof business['mediaType'] !== 'string' || business['mediaType'] === '') throw invalidParameter('mediaType 参数校验失败');
      // Only media this complaint's history carries: the URL is not a key to other complaints' files.
      const bytes = state.media(complaint, business['mediaUrl']);
      if (bytes === undefined) throw invalidParameter('该投诉单没有这张图片');
      return { bytes: bytes.toString('base64'), suffix: detectImageType(bytes) ?? 'png' };
    },
  };
}
