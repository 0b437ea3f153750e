import type { IncomingMessage } from 'node:http';

/**
 * Up to `limit + 1` bytes of a request body: one byte more than allowed is enough for the handler
 * to refuse it, and a declared length over the limit is refused before anything is read.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean }> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return { body: Buffer.alloc(limit + 1), truncated: true };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) return { body: Buffer.concat(chunks).subarray(0, limit + 1), truncated: true };
  }
  return { body: Buffer.concat(chunks), truncated: false };
}
