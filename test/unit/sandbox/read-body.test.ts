import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../../src/sandbox/read-body.js';

const request = (...parts: string[]): IncomingMessage => Readable.from(parts.map((part) => Buffer.from(part))) as unknown as IncomingMessage;

describe('readBody (sandbox)', () => {
  it('reads a body of exactly the limit', async () => {
    expect((await readBody(request('he', 'llo'), 5, () => new Error('too large'))).toString()).toBe('hello');
  });

  it("throws the sandbox's own error past the limit", async () => {
    await expect(readBody(request('hel', 'lo!'), 5, () => new RangeError('too large'))).rejects.toThrow(RangeError);
  });
});
