import { describe, expect, it } from 'vitest';
import { detectImageType, imageContentType, imageTypeOfContentType } from '../../../src/providers/image-type.js';

describe('image types', () => {
  it('knows JPG, PNG and BMP by content and refuses GIF and WebP, which neither provider takes', () => {
    expect(detectImageType(Buffer.from('GIF89a'))).toBeNull();
    expect(detectImageType(Buffer.from('RIFF\0\0\0\0WEBP'))).toBeNull();
  });

  it('reads a Content-Type header back to the same types, parameters and case ignored', () => {
    expect(imageTypeOfContentType('IMAGE/JPEG; charset=binary')).toBe('jpg');
    expect(imageTypeOfContentType(imageContentType('bmp'))).toBe('bmp');
    expect(imageTypeOfContentType('image/gif')).toBeNull();
    expect(imageTypeOfContentType('image/webp')).toBeNull();
    expect(imageTypeOfContentType('text/html')).toBeNull();
  });
});
