import type { TestProject } from 'vitest/node';
import { generateSandboxKeyrings, type SandboxKeyringsJson } from '../helpers/sandbox-keyrings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One keyring per run for every sandbox the tests start (see test/helpers/shared-keyrings.ts). */
    sandboxKeyrings: SandboxKeyringsJson;
  }
}

/** globalSetup of the root config: runs once per `vitest run`, in the main process; every project inherits what it provides. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('sandboxKeyrings', await generateSandboxKeyrings());
}
