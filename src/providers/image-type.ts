/** Image types both providers take and serve, recognised by content: a file's name proves nothing. */
export type ImageType = 'jpg' | 'png' | 'bmp';

const CONTENT_TYPES: Record<ImageType, string> = { jpg: 'image/jpeg', png: 'image/png', bmp: 'image/bmp' };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type by its magic bytes, or null for anything else. */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  return null;
}

export function imageContentType(type: ImageType): string {
  return CONTENT_TYPES[type];
}

/** The type a Content-Type header names (parameters and case ignored), or null for any other type. */
export function imageTypeOfContentType(contentType: string): ImageType | null {
  const base = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const entry = Object.entries(CONTENT_TYPES).find(([, value]) => value === base);
  return entry === undefined ? null : (entry[0] as ImageType);
}
