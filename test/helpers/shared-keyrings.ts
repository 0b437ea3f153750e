import { inject } from 'vitest';
import { sandboxKeyringsFromJson, type SandboxKeyrings, type SandboxKeyringsJson } from './sandbox-keyrings.js';

let keyrings: SandboxKeyrings | undefined;

/**
 * The run's one set of sandbox keys (made by test/setup/sandbox-keyrings.ts), for tests that start
 * sandboxes and need no keys of their own. Tests about wrong or rotated keys make their own.
 */
export function sharedSandboxKeyrings(): SandboxKeyrings {
  if (keyrings !== undefined) return keyrings;
  // Undefined under a config without that globalSetup.
  const json = inject('sandboxKeyrings') as SandboxKeyringsJson | undefined;
  if (json === undefined) throw new Error('no sandbox keys were provided: run the tests with vitest.config.ts, whose globalSetup generates them');
  keyrings = sandboxKeyringsFromJson(json);
  return keyrings;
}
