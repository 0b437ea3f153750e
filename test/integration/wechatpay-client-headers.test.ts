import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplaintProvider } from '../../src/providers/provider.js';
import { createWechatPayAccount } from '../../src/providers/wechatpay/account.js';
import { createPng } from '../../src/sandbox/wechatpay/images.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import { sharedSandboxKeyrings } from '../helpers/shared-keyrings.js';
import { wechatPayAccountsFromKeys } from '../helpers/wechatpay-account.js';

// WeChat Pay refuses any call without Accept or a User-Agent (400 INVALID_REQUEST "Http头缺少Accept或
// User-Agent"), so the gateway's client sets both itself on every kind of call, rather than relying
// on got's default User-Agent; and it leaves launch_refund_day out when the caller gives none.

let sandbox: WechatPaySandbox;
let recorder: Server;
let recorderUrl: string;
const recorded: IncomingHttpHeaders[] = [];

function providerFor(baseUrl: string): ComplaintProvider {
  const [options] = wechatPayAccountsFromKeys(sandbox.keys);
  if (options === undefined) throw new Error('no sandbox account');
  const [provider] = createWechatPayAccount({ ...options, baseUrl }).providers;
  if (provider === undefined) throw new Error('no provider');
  return provider;
}

beforeAll(async () => {
  sandbox = await startWechatPaySandbox({ keyring: sharedSandboxKeyrings().wechatpay, notificationTimeScale: 0.001 });
  // Records each request's headers and refuses it with an (unsigned, never verified) 400, so no call is retried.
  recorder = createServer((request, response) => {
    recorded.push(request.headers);
    request.resume();
    request.on('end', () => {
      response.writeHead(400, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ code: 'PARAM_ERROR', message: 'recorded' }));
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => (recorder === undefined ? resolve() : recorder.close(() => resolve())));
});

describe("the gateway's WeChat Pay client", () => {
  it('sends Accept and its own User-Agent on JSON calls, the multipart upload and the media download', async () => {
    const provider = providerFor(recorderUrl);
    const attempts: Promise<unknown>[] = [
      provider.getComplaint('200201820200101080076610000'),
      provider.complete('200201820200101080076610000'),
      provider.uploadImage({ filename: 'a.png', bytes: createPng(1) }),
      provider.downloadMedia({ url: 'https://api.mch.weixin.qq.com/v3/merchant-service/images/ChsyMDAwAQ%3D%3D', complaintId: '200201820200101080076610000' }),
    ];
    // Every call fails on the recorder's 400; only the headers it saw matter here.
    await Promise.allSettled(attempts);
    expect(recorded.length).toBeGreaterThanOrEqual(attempts.length);
    for (const headers of recorded) {
      expect(headers['user-agent']).toMatch(/^complaint-gateway\/\d+\.\d+\.\d+ node\/\d+/);
      expect(headers.accept).toBeTruthy();
    }
    const accepts = recorded.map((headers) => headers.accept);
    expect(accepts).toContain('*/*');
    expect(accepts.filter((accept) => accept === 'application/json').length).toBeGreaterThanOrEqual(3);
  });

  it('approves a refund without launch_refund_day when none is given, and with it when it is', async () => {
    const provider = providerFor(sandbox.baseUrl);
    const file = async (): Promise<string> => {
      const response = await fetch(`${sandbox.baseUrl}/sandbox/complaints`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ mchid: provider.merchant.merchantNo, problem_type: 'REFUND' }),
      });
      return ((await response.json()) as { complaint_id: string }).complaint_id;
    };
    const later = await file();
    await provider.updateRefundProgress(later, { action: 'APPROVE', launchRefundDay: null, remark: null });
    // Without a day the sandbox waits for the refund; with day 0 it arrives at once.
    expect((await provider.getComplaint(later)).state.value).toBe('PROCESSING');
    const today = await file();
    await provider.updateRefundProgress(today, { action: 'APPROVE', launchRefundDay: 0, remark: null });
    expect((await provider.getComplaint(today)).state.value).toBe('PROCESSED');
  });
});
