import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite would load graphql's ESM build while Pothos and yoga (run by Node) load its CommonJS main:
  // two graphql instances fail `instanceof` checks. Point the tests at the one Node uses.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // RSA key generation and real HTTP make some suites slow to start on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
