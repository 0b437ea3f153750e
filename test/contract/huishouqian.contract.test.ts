import { afterAll, beforeAll } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { createHuishouqianAccount, type HuishouqianAccountOptions } from '../../src/providers/huishouqian/account.js';
import type { ComplaintProvider, NotificationReceiver } from '../../src/providers/provider.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from '../../src/sandbox/huishouqian/server.js';
import { huishouqianAccountFromKeys } from '../helpers/huishouqian-account.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';
import { complaintProviderSuite } from './complaint-provider.suite.js';
import { sandboxControlSuite } from './sandbox-control.suite.js';

let sandbox: HuishouqianSandbox;
let options: HuishouqianAccountOptions;
let provider: ComplaintProvider;
let receiver: NotificationReceiver;

beforeAll(async () => {
  sandbox = await startHuishouqianSandbox({ credentials: sharedSandboxKeyrings().huishouqian, notificationTimeScale: 0.001 });
  options = huishouqianAccountFromKeys(sandbox.keys);
  const account = createHuishouqianAccount(options);
  provider = account.providers[0] as ComplaintProvider;
  receiver = account.notifications;
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
  receiver,
  // Huishouqian staff set the URL; the sandbox's control API stands in for them.
  sendNotificationsTo: async (url) => {
    const response = await fetch(`${sandbox.baseUrl}/sandbox/notification-url`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    if (!response.ok) throw new Error(`could not set the notification URL: ${response.status}`);
  },
  fileComplaint: async () => {
    const response = await fetch(`${sandbox.baseUrl}/sandbox/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ merchantNo: provider.merchant.merchantNo }),
    });
    return ((await response.json()) as { complaintId: string }).complaintId;
  },
  // Another action under the signature of the real one.
  forge: (notification) => ({
    headers: notification.headers,
    body: Buffer.from(notification.body.toString('utf8').replace('CREATE_COMPLAINT', 'USER_RESPONSE'), 'utf8'),
  }),
}));

sandboxControlSuite('Huishouqian', () => ({
  baseUrl: sandbox.baseUrl,
  provider,
  complaintBody: (merchantNo) => ({ merchantNo }),
  complaintIdOf: (answer) => String(answer['complaintId']),
  detailEndpoint: 'queryComplaints',
}));
