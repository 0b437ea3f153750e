import { describe, expect, it } from 'vitest';
import { nearestKey } from '../../../src/config/nearest-key.js';

const SERVER_KEYS = ['host', 'port', 'graphiql', 'introspection', 'publicBaseUrl', 'maxRequestBodyBytes', 'maxUploadBodyBytes'];

describe('nearestKey', () => {
  it('finds a typo: a swap, a missing, an extra or a wrong letter', () => {
    expect(nearestKey('prot', SERVER_KEYS)).toBe('port');
    expect(nearestKey('hst', SERVER_KEYS)).toBe('host');
    expect(nearestKey('graphiqll', SERVER_KEYS)).toBe('graphiql');
    expect(nearestKey('maxUploadBodyBites', SERVER_KEYS)).toBe('maxUploadBodyBytes');
  });

  it('ignores case and the "_" or "-" of other spellings', () => {
    expect(nearestKey('public_base_url', SERVER_KEYS)).toBe('publicBaseUrl');
    expect(nearestKey('Public-Base-URL', SERVER_KEYS)).toBe('publicBaseUrl');
  });

  it('picks the closest of several candidates', () => {
    expect(nearestKey('maxRequestBodyBite', SERVER_KEYS)).toBe('maxRequestBodyBytes');
  });

  it('suggests nothing for an unrelated key, nor anything from an empty list', () => {
    expect(nearestKey('colour', SERVER_KEYS)).toBeNull();
    expect(nearestKey('ab', ['xy'])).toBeNull();
    expect(nearestKey('port', [])).toBeNull();
  });
});
