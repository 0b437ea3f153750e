import { availableParallelism } from 'node:os';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { ProjectOrderSequencer } from './test/setup/project-order-sequencer.js';

// Vite would load graphql's ESM build while Pothos and yoga (run by Node) load its CommonJS main:
// two graphql instances fail `instanceof` checks. Point the tests at the one Node uses.
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

const BROWSER_TEST = 'test/e2e/graphiql-browser.test.ts';

/** Settings every project shares (projects do not inherit the root's test options). */
function project(name: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration {
  return {
    resolve,
    test: {
      name,
      // Real HTTP and SQLite make some suites slow to start on 2 cores.
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...test,
    },
  };
}

export default defineConfig({
  resolve,
  test: {
    // Runs once per run in the main process: the one RSA keyring every sandbox of the run uses.
    globalSetup: ['test/setup/sandbox-keyrings.ts'],
    // Vitest's default on 2 cores is one worker; most suites wait on sockets, timers and SQLite, so
    // two keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: ProjectOrderSequencer },
    projects: [
      // Pure logic, in-process fakes and servers on ephemeral ports; no test touches process.env,
      // globals or timers, and src keeps no module-level state, so one module graph serves all files.
      project('unit', {
        include: ['test/unit/**/*.test.ts', 'test/schema-drift.test.ts'],
        pool: 'threads',
        isolate: false,
        // tsc over the type tests and what they import (`npm run typecheck` checks the whole tree).
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './test/tsconfig.type-tests.json' },
      }),
      // Over real HTTP on 127.0.0.1: clients and adapters against the sandboxes, the contract suites,
      // the whole gateway with both sandboxes (each file its own sandboxes and gateways), Redis suites.
      project('integration', {
        include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/e2e/**/*.test.ts'],
        exclude: [BROWSER_TEST],
        pool: 'threads',
        isolate: false,
      }),
      // Needs chromium (skips with a reason without it).
      project('browser', { include: [BROWSER_TEST], pool: 'forks' }),
    ],
  },
});
