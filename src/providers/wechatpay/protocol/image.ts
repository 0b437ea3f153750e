import { createHash } from 'node:crypto';
import { detectImageType, type ImageType } from '../../image-type.js';
import { ImageRejectedError } from './errors.js';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

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
  const stem =
    filename
      .replace(/\.[^.]*$/, '')
      .replace(/[^\p{L}\p{N}_-]/gu, '')
      .slice(0, 100) || 'image';
  const name = `${stem}.${type}`;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { type, filename: name, meta: JSON.stringify({ filename: name, sha256 }) };
}
