import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../../src/server/read-body.js';

function request(body: string, headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), { headers }) as unknown as IncomingMessage;
}

describe('readBody (gateway)', () => {
  it('reads a body within the limit whole', async () => {
    expect(await readBody(request('hello'), 5)).toEqual({ body: Buffer.from('hello'), truncated: false });
  });

  it('stops one byte past the limit', async () => {
    const { body, truncated } = await readBody(request('hello!'), 5);
    expect(truncated).toBe(true);
    expect(body.length).toBe(6);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const { truncated } = await readBody(request('', { 'content-length': '100' }), 5);
    expect(truncated).toBe(true);
  });
});
