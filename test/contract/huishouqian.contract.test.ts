import { afterAll, beforeAll } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { createHuishouqianAccount, type HuishouqianAccountOptions } from '../../src/providers/huishouqian/account.js';
import type { ComplaintProvider } from '../../src/providers/provider.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from '../../src/sandbox/huishouqian/server.js';
import { huishouqianAccountFromKeys } from '../helpers/huishouqian-account.js';
import { complaintProviderSuite } from './complaint-provider.suite.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';

let sandbox: HuishouqianSandbox;
let options: HuishouqianAccountOptions;
let provider: ComplaintProvider;

beforeAll(async () => {
  sandbox = await startHuishouqianSandbox({ credentials: sharedSandboxKeyrings().huishouqian, notificationTimeScale: 0.001 });
  options = huishouqianAccountFromKeys(sandbox.keys);
  provider = createHuishouqianAccount(options).providers[0] as ComplaintProvider;
});

afterAll(async () => {
  await sandbox.close();
});

const today = beijingToday(new Date());

complaintProviderSuite('Huishouqian', () => ({
  provider,
  window: { from: addDays(today, -29), to: today },
  upstreamCalls: () => Object.values(sandbox.stats()).reduce((sum, n) => sum + n, 0),
  withoutCapability: (capability) => createHuishouqianAccount({ ...options, capabilities: { [capability]: false } }).providers[0] as ComplaintProvider,
}));
