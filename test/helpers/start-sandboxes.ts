import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../src/providers/http/clock.js';
import { startHuishouqianSandbox, type HuishouqianSandbox } from '../../src/sandbox/huishouqian/server.js';
import type { SandboxKeysFile } from '../../src/sandbox/sandbox-keys.js';
import type { RateLimitBucket } from '../../src/sandbox/wechatpay/limits.js';
import { startWechatPaySandbox, type WechatPaySandbox } from '../../src/sandbox/wechatpay/server.js';
import type { SandboxKeyrings } from './sandbox-keyrings.js';

export interface StartSandboxesOptions {
  clock?: Clock;
  /** Default true: deterministic seed data. */
  seed?: boolean;
  /** WeChat Pay's per-endpoint limits; default true. */
  enforceRateLimits?: boolean;
  /** WeChat Pay limits other than the published ones (per minute, per calling mchid). */
  rateLimits?: Partial<Record<RateLimitBucket, number>>;
  /** Scales the providers' notification retry schedules; default 0.001 (tests). */
  notificationTimeScale?: number;
  /** Keys for both sandboxes; default the test run's shared ones under vitest, fresh ones elsewhere (bench). */
  keyrings?: SandboxKeyrings;
  /** Told the headers of each provider-API request either sandbox receives (e.g. to read `traceparent`). */
  onApiRequest?: (sandbox: 'wechatpay' | 'huishouqian', headers: IncomingHttpHeaders) => void;
}

/** Under vitest, the keys generated once per run (test/setup/sandbox-keyrings.ts); elsewhere none (the sandboxes make fresh ones). */
async function defaultKeyrings(): Promise<SandboxKeyrings | undefined> {
  if (process.env['VITEST'] === undefined) return undefined;
  const { sharedSandboxKeyrings } = await import('./shared-keyrings.js');
  return sharedSandboxKeyrings();
}

export interface Sandboxes {
  wechatpay: WechatPaySandbox;
  huishouqian: HuishouqianSandbox;
  /** What `npm start` writes to sandbox-keys.json. */
  keys: SandboxKeysFile;
  /** Back to the seed state on both (faults and counters cleared). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Both sandboxes on 127.0.0.1 ephemeral ports, each with its own state (the keys are the run's, see `keyrings`). */
export async function startSandboxes(options: StartSandboxesOptions = {}): Promise<Sandboxes> {
  const { clock, seed = true, enforceRateLimits = true, rateLimits, notificationTimeScale = 0.001, keyrings = await defaultKeyrings(), onApiRequest } = options;
  const common = { host: '127.0.0.1', port: 0, seed, notificationTimeScale, ...(clock === undefined ? {} : { clock }) };
  const [wechatpay, huishouqian] = await Promise.all([
    startWechatPaySandbox({
      ...common,
      enforceRateLimits,
      ...(rateLimits === undefined ? {} : { rateLimits }),
      ...(keyrings === undefined ? {} : { keyring: keyrings.wechatpay }),
      ...(onApiRequest === undefined ? {} : { onApiRequest: (headers: IncomingHttpHeaders) => onApiRequest('wechatpay', headers) }),
    }),
    startHuishouqianSandbox({
      ...common,
      ...(keyrings === undefined ? {} : { credentials: keyrings.huishouqian }),
      ...(onApiRequest === undefined ? {} : { onApiRequest: (headers: IncomingHttpHeaders) => onApiRequest('huishouqian', headers) }),
    }),
  ]);
  return {
    wechatpay,
    huishouqian,
    keys: { wechatpay: wechatpay.keys, huishouqian: huishouqian.keys },
    async reset() {
      await Promise.all(
        [wechatpay.baseUrl, huishouqian.baseUrl].map(async (baseUrl) => {
          const response = await fetch(`${baseUrl}/sandbox/reset`, { method: 'POST' });
          if (!response.ok) throw new Error(`sandbox reset failed: ${response.status}`);
        }),
      );
    },
    async close() {
      await Promise.all([wechatpay.close(), huishouqian.close()]);
    },
  };
}
