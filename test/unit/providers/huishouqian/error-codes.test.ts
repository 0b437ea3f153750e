import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, ForbiddenError, NotFoundError, ProviderError, UnsupportedError, ValidationError } from '../../../../src/domain/errors.js';
import { createHuishouqianAccount } from '../../../../src/providers/huishouqian/account.js';
import { toDomainError } from '../../../../src/providers/huishouqian/error-codes.js';

describe('Huishouqian business codes (spec 1.5)', () => {
  it.each([
    ['130003', NotFoundError],
    ['130004', ForbiddenError],
    ['130005', ForbiddenError],
    ['130006', ForbiddenError],
    ['130002', ValidationError],
    ['130007', ValidationError],
    ['130008', ValidationError],
    ['130009', ValidationError],
    ['130010', ValidationError],
    ['130011', ConfigurationError],
  ])('maps %s to %o', (code, type) => {
    const error = toDomainError(code, '说明');
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain('说明');
  });

  it.each(['000001', '130001'])('treats %s as a retryable provider error', (code) => {
    const error = toDomainError(code, null);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).providerCode).toBe(code);
  });

  it('keeps an unknown code, not retryable', () => {
    const error = toDomainError('999999', 'new');
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(false);
  });
});

describe('CFCA sign type', () => {
  it('is refused with an UnsupportedError that says why', () => {
    expect(() =>
      createHuishouqianAccount({
        baseUrl: 'http://127.0.0.1:9',
        platformPublicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
        merchants: [],
        signType: 'CFCA',
      }),
    ).toThrow(UnsupportedError);
  });
});
