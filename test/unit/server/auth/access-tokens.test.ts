import { describe, expect, it } from 'vitest';
import { createAccessTokens, hashAccessToken } from '../../../../src/server/auth/access-tokens.js';

describe('access tokens', () => {
  const tokens = createAccessTokens([
    { name: 'ops', sha256: hashAccessToken('s3cret-token'), scopes: ['complaints:read'], merchants: 'all' },
    { name: 'shop', sha256: hashAccessToken('shop-token').toUpperCase(), scopes: ['complaints:write'], merchants: [{ merchantNo: '1' }] },
  ]);

  it('finds the principal of a Bearer header by the token hash, scheme case-insensitive', () => {
    expect(tokens.authenticate('Bearer s3cret-token')).toMatchObject({ name: 'ops', merchants: 'all' });
    expect(tokens.authenticate('bearer  s3cret-token ')?.name).toBe('ops');
    expect(tokens.authenticate('Bearer shop-token')?.scopes.has('complaints:write')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [
      null,
      '',
      'Bearer',
      'Bearer ',
      's3cret-token',
      'Basic s3cret-token',
      'Bearer s3cret-tokenX',
      'Bearer s3cret token',
      `Bearer ${'a'.repeat(10_000)}`,
    ]) {
      expect(tokens.authenticate(header)).toBeNull();
    }
  });

  it('keeps the token itself nowhere in what it returns', () => {
    expect(JSON.stringify([...(tokens.authenticate('Bearer s3cret-token')?.scopes ?? []), tokens.authenticate('Bearer s3cret-token')])).not.toContain('s3cret');
  });
});
