import { afterAll, beforeAll } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import type { ComplaintProvider } from '../../src/providers/provider.js';
import { createWechatPayAccount, type WechatPayAccountOptions } from '../../src/providers/wechatpay/account.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import { wechatPayAccountsFromKeys } from '../helpers/wechatpay-account.js';
import { complaintProviderSuite } from './complaint-provider.suite.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';

let sandbox: WechatPaySandbox;
let options: WechatPayAccountOptions;
let provider: ComplaintProvider;

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, notificationTimeScale: 0.001 });
  const direct = wechatPayAccountsFromKeys(sandbox.keys).find((account) => account.merchants.length === 1);
  if (!direct) throw new Error('the sandbox has no direct merchant');
  options = direct;
  provider = createWechatPayAccount(options).providers[0] as ComplaintProvider;
});

afterAll(async () => {
  await sandbox.close();
});

const today = beijingToday(new Date());

complaintProviderSuite('WeChat Pay', () => ({
  provider,
  // Seeded complaints end before today's Beijing midnight (see the sandbox seed).
  window: { from: addDays(today, -29), to: today },
  upstreamCalls: () => Object.values(sandbox.stats()).reduce((sum, n) => sum + n, 0),
  withoutCapability: (capability) => createWechatPayAccount({ ...options, capabilities: { [capability]: false } }).providers[0] as ComplaintProvider,
}));
