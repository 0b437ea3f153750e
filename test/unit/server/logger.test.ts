import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../../src/server/logger.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logger redaction', () => {
  it('redacts keys, tokens, Authorization headers and payer phones at any of the usual depths', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: 'info', destination: stream });
    logger.info(
      {
        apiV3Key: 'k'.repeat(32),
        account: { privateKey: '-----BEGIN PRIVATE KEY-----', merchants: [{ signKey: 'secret' }] },
        request: { headers: { authorization: 'WECHATPAY2-SHA256-RSA2048 mchid="1"', 'content-type': 'application/json' } },
        headers: { Authorization: 'Bearer abc' },
        complaint: { payerPhone: '13800000000', detail: 'late delivery' },
        media: { token: 'abc.def' },
      },
      'something',
    );
    const [line] = lines();
    expect(line?.['apiV3Key']).toBe(REDACTED);
    expect(line?.['account']).toMatchObject({ privateKey: REDACTED });
    expect(line?.['request']).toEqual({ headers: { authorization: REDACTED, 'content-type': 'application/json' } });
    expect(line?.['headers']).toEqual({ Authorization: REDACTED });
    expect(line?.['complaint']).toEqual({ payerPhone: REDACTED, detail: 'late delivery' });
    expect(line?.['media']).toEqual({ token: REDACTED });
    const text = JSON.stringify(line);
    for (const secret of ['kkkkkkkk', 'BEGIN PRIVATE', 'WECHATPAY2', 'Bearer', '13800000000', 'abc.def']) expect(text).not.toContain(secret);
  });
});
