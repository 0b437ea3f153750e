import type { IncomingHttpHeaders } from 'node:http';
import { paramError } from './api-error.js';

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * A tolerant multipart/form-data reader for the image upload (spec 3.9): any part order, a
 * trailing `;` after the name (Go SDK), parts without a Content-Type (FormData clients).
 */
export function parseMultipart(body: Buffer, headers: IncomingHttpHeaders): MultipartPart[] {
  const contentType = headers['content-type'] ?? '';
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || boundary === undefined) throw paramError('Content-Type 必须是 multipart/form-data');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    let start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let end = next;
    if (body[end - 1] === 0x0a) end -= 1;
    if (body[end - 1] === 0x0d) end -= 1;
    const part = body.subarray(start, end);
    let headerEnd = part.indexOf('\r\n\r\n');
    let separator = 4;
    if (headerEnd === -1) {
      headerEnd = part.indexOf('\n\n');
      separator = 2;
    }
    if (headerEnd === -1) throw paramError('multipart 分段格式错误');
    const headerLines = part.subarray(0, headerEnd).toString('utf8').split(/\r?\n/);
    let name: string | undefined;
    let filename: string | undefined;
    let partType: string | undefined;
    for (const line of headerLines) {
      const [key = '', ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (key.trim().toLowerCase() === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1];
        filename = /\bfilename="([^"]*)"/i.exec(value)?.[1];
      } else if (key.trim().toLowerCase() === 'content-type') {
        partType = value;
      }
    }
    if (name === undefined) throw paramError('multipart 分段缺少 name');
    parts.push({
      name,
      ...(filename === undefined ? {} : { filename }),
      ...(partType === undefined ? {} : { contentType: partType }),
      data: part.subarray(headerEnd + separator),
    });
    position = next;
  }
  return parts;
}
