import { describe, expect, it } from 'vitest';
import { createCorsOptions, LOOPBACK_ORIGINS } from '../../../src/server/cors.js';

const request = (origin?: string): Request => new Request('http://gateway.test/graphql', origin === undefined ? {} : { headers: { origin } });

describe('createCorsOptions', () => {
  it('allows a listed origin, echoed by yoga with Vary: Origin, never with credentials', () => {
    const cors = createCorsOptions(['https://console.example.com']);
    expect(cors(request('https://console.example.com'))).toEqual({
      origin: '*',
      credentials: false,
      methods: ['GET', 'POST'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    });
    // The default port is no other origin; another port, scheme or host is.
    expect(createCorsOptions(['https://console.example.com:443'])(request('https://console.example.com'))).not.toBe(false);
    for (const other of [
      'https://console.example.com:8443',
      'http://console.example.com',
      'https://evil.example.com',
      'https://console.example.com.evil.test',
    ]) {
      expect(cors(request(other)), other).toBe(false);
    }
  });

  it('refuses anything that is not a serialised origin, and requests without one', () => {
    const cors = createCorsOptions(['https://console.example.com', 'http://localhost:*']);
    for (const header of [
      'null',
      'https://console.example.com/',
      'https://console.example.com/path',
      'HTTPS://console.example.com',
      'https://user@console.example.com',
      'console.example.com',
    ]) {
      expect(cors(request(header)), header).toBe(false);
    }
    expect(cors(request())).toBe(false);
  });

  it('matches any port for `:*` and any subdomain (not the domain) for `*.`', () => {
    const cors = createCorsOptions(['http://localhost:*', 'https://*.shop.example']);
    expect(cors(request('http://localhost:5173'))).not.toBe(false);
    expect(cors(request('http://localhost'))).not.toBe(false);
    expect(cors(request('https://localhost:5173'))).toBe(false);
    expect(cors(request('https://a.shop.example'))).not.toBe(false);
    expect(cors(request('https://shop.example'))).toBe(false);
  });

  it('allows nobody with no origins; the sandbox default is this machine on any port', () => {
    expect(createCorsOptions([])(request('http://localhost:3000'))).toBe(false);
    const sandbox = createCorsOptions(LOOPBACK_ORIGINS);
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'https://localhost:8443', 'http://[::1]:4000']) {
      expect(sandbox(request(origin)), origin).not.toBe(false);
    }
    for (const origin of ['http://localhost.evil.example', 'http://127.0.0.2:3000', 'http://192.168.1.10:3000']) {
      expect(sandbox(request(origin)), origin).toBe(false);
    }
  });
});
