import { createHash } from 'node:crypto';
import { ImageRejectedError } from './errors.js';

export type ImageType = 'jpg' | 'png' | 'bmp';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

const CONTENT_TYPES: Record<ImageType, string> = { jpg: 'image/jpeg', png: 'image/png', bmp: 'image/bmp' };

/** The type by content (magic bytes); a file's name proves nothing. */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  return null;
}

export function imageContentType(type: ImageType): string {
  return CONTENT_TYPES[type];
}

export interface PreparedImage {
  type: ImageType;
  /** The file name sent, with the extension matching the content. */
  filename: string;
  /** The meta part exactly as sent: it is also the signed body (spec 3.9). */
  meta: string;
}

/** Checks type and size and builds the upload's meta JSON; throws before anything is sent. */
export function prepareImageUpload(filename: string, bytes: Uint8Array, maxBytes = MAX_IMAGE_BYTES): PreparedImage {
  if (bytes.length === 0) throw new ImageRejectedError('The image is empty');
  if (bytes.length > maxBytes) throw new ImageRejectedError(`The image is ${bytes.length} bytes; at most ${maxBytes} are allowed`);
  const type = detectImageType(bytes);
  if (type === null) throw new ImageRejectedError('The file is not a JPG, PNG or BMP image');
  const stem = filename.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}_-]/gu, '').slice(0, 100) || 'image';
  const name = `${stem}.${type}`;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { type, filename: name, meta: JSON.stringify({ filename: name, sha256 }) };
}
