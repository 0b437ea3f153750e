import { describe, expect, it } from 'vitest';
import { ProviderError, RateLimitedError, ValidationError } from '../../../src/domain/errors.js';
import { toOpenEnum } from '../../../src/domain/open-enum.js';

describe('domain errors', () => {
  it('have stable codes and keep their cause off serialisation', () => {
    const cause = { body: 'payer_phone=13800138000', privateKey: 'MIIE...' };
    const error = new ProviderError(
      'WeChat Pay answered 500',
      { provider: 'WECHAT_PAY', providerCode: 'SYSTEM_ERROR', httpStatus: 500, retryable: true },
      { cause },
    );
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.cause).toBe(cause);
    const serialised = JSON.stringify(error);
    expect(serialised).not.toContain('13800138000');
    expect(serialised).not.toContain('MIIE');
    expect(JSON.parse(serialised)).toMatchObject({ providerCode: 'SYSTEM_ERROR', httpStatus: 500, retryable: true });
  });

  it('carry their typed details', () => {
    expect(new RateLimitedError('slow down', 12).retryAfterSeconds).toBe(12);
    expect(new ValidationError('too long', 'text').field).toBe('text');
  });
});

describe('toOpenEnum', () => {
  it('keeps known values and maps new ones to UNKNOWN with the raw spelling', () => {
    expect(toOpenEnum(['PENDING', 'PROCESSED'], 'PENDING')).toEqual({ value: 'PENDING', raw: 'PENDING' });
    expect(toOpenEnum(['PENDING', 'PROCESSED'], 'ESCALATED')).toEqual({ value: 'UNKNOWN', raw: 'ESCALATED' });
  });
});
