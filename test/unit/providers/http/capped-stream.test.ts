import { describe, expect, it } from 'vitest';
import { cappedStream } from '../../../../src/providers/http/capped-stream.js';

async function* chunks(...sizes: number[]): AsyncGenerator<Uint8Array> {
  for (const size of sizes) yield new Uint8Array(size);
}

async function drain(source: AsyncIterable<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of source) total += chunk.byteLength;
  return total;
}

describe('cappedStream', () => {
  it('passes a stream of exactly maxBytes on whole', async () => {
    expect(await drain(cappedStream(chunks(4, 6), 10, () => new Error('too large')))).toBe(10);
  });

  it("fails with the caller's error once one byte more than maxBytes has passed", async () => {
    await expect(drain(cappedStream(chunks(4, 6, 1), 10, () => new RangeError('too large')))).rejects.toThrow(RangeError);
  });
});
