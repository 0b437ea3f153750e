import type { IncomingMessage } from 'node:http';

/**
 * The whole request body, refused with `tooLarge()` as soon as it passes `maxBytes`: a sandbox must
 * not buffer whatever a broken client streams at it. Each provider's sandbox answers in its own words.
 */
export async function readBody(request: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
