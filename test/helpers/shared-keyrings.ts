import { inject } from 'vitest';
import { sandboxKeyringsFromJson, type SandboxKeyrings } from './sandbox-keyrings.js';

let keyrings: SandboxKeyrings | undefined;

/**
 * The run's one set of sandbox keys (made by test/setup/sandbox-keyrings.ts), for tests that start
 * sandboxes and need no keys of their own. Tests about wrong or rotated keys make their own.
 */
export function sharedSandboxKeyrings(): SandboxKeyrings {
  keyrings ??= sandboxKeyringsFromJson(inject('sandboxKeyrings'));
  return keyrings;
}
