import { afterAll, beforeAll } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import type { ComplaintProvider, NotificationReceiver } from '../../src/providers/provider.js';
import { createWechatPayAccount, type WechatPayAccountOptions } from '../../src/providers/wechatpay/account.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';
import { wechatPayAccountsFromKeys } from '../helpers/wechatpay-account.js';
import { complaintProviderSuite } from './complaint-provider.suite.js';
import { sandboxControlSuite } from './sandbox-control.suite.js';

let sandbox: WechatPaySandbox;
let options: WechatPayAccountOptions;
let provider: ComplaintProvider;
let receiver: NotificationReceiver;

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, notificationTimeScale: 0.001 });
  const direct = wechatPayAccountsFromKeys(sandbox.keys).find((account) => account.merchants.length === 1);
  if (!direct) throw new Error('the sandbox has no direct merchant');
  // The contract makes more notification-URL calls in a few seconds than the published 60 a minute
  // allow: a call queued for the next budget window would only slow it (budgets have their own tests).
  options = { ...direct, limits: { notificationUrl: 6_000 } };
  const account = createWechatPayAccount(options);
  provider = account.providers[0] as ComplaintProvider;
  receiver = account.notifications;
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
  receiver,
  // Through the provider's own notification-URL API (the sandbox allows http on loopback).
  sendNotificationsTo: async (url) => {
    if ((await provider.getNotificationUrl()) === null) await provider.createNotificationUrl(url);
    else await provider.updateNotificationUrl(url);
  },
  fileComplaint: async () => {
    const response = await fetch(`${sandbox.baseUrl}/sandbox/complaints`, { method: 'POST', body: JSON.stringify({ mchid: provider.merchant.merchantNo }) });
    return ((await response.json()) as { complaint_id: string }).complaint_id;
  },
  // The notification id is signed in the clear: another id under the same signature.
  forge: (notification) => {
    const body = notification.body.toString('utf8').replace(/"id":"(.)/, (_, first: string) => `"id":"${first === 'f' ? 'e' : 'f'}`);
    return { headers: notification.headers, body: Buffer.from(body, 'utf8') };
  },
}));

sandboxControlSuite('WeChat Pay', () => ({
  baseUrl: sandbox.baseUrl,
  provider,
  complaintBody: (merchantNo) => ({ mchid: merchantNo }),
  complaintIdOf: (answer) => String(answer['complaint_id']),
  detailEndpoint: 'getComplaint',
}));
