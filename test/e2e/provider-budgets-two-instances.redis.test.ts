import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_EXHAUSTED_MESSAGE } from '../../src/providers/http/account-budgets.js';
import { complaintGlobalId } from '../../src/schema/global-id.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../helpers/redis.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * Two real gateway instances sharing the machine's Redis drive WeChat Pay accounts past their
 * per-minute list budget together. The sandbox enforces the same (small) limit the gateways are
 * configured with: it must never have to answer 429, because the instances draw on one budget in
 * Redis; callers get RATE_LIMITED with a retry-after instead. Within a service provider's account, a
 * noisy sub-merchant cannot take its quiet sibling's reserved share.
 */

// 28 per minute, counted in 10 s windows of floor(28/7) = 4 calls for the whole account.
const LIST_PER_MINUTE = 28;
const PER_WINDOW = 4;
const DIRECT = '1900000101';
const NOISY = '1900000301';
const QUIET = '1900000302';
const COMPLAINT = 'query($id: ID!) { complaint(id: $id) { complaintId state } }';

const connection = await redisOrReason('provider budgets shared by two gateway instances');
const prefix = uniqueKeyPrefix('provider-budgets');

let sandboxes: Sandboxes;
let instances: GatewayUnderTest[] = [];

interface Lookup {
  status: number;
  complaint: { complaintId: string } | null;
  errors: { message: string; extensions?: Record<string, unknown> }[];
}

async function fileComplaint(mchid: string): Promise<string> {
  const response = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mchid }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { complaint_id: string }).complaint_id;
}

/** One detail lookup per complaint (list and detail share the budget), all at once, alternating instances. */
async function lookUpAll(mchid: string, complaintIds: readonly string[]): Promise<Lookup[]> {
  return Promise.all(
    complaintIds.map(async (complaintId, index) => {
      const instance = instances[index % instances.length] as GatewayUnderTest;
      const { status, body } = await instance.graphql<{ complaint: { complaintId: string } | null }>(COMPLAINT, {
        id: complaintGlobalId({ provider: 'WECHAT_PAY', merchantNo: mchid, complaintId }),
      });
      return { status, complaint: body.data?.complaint ?? null, errors: body.errors ?? [] };
    }),
  );
}

function expectRateLimited(lookups: readonly Lookup[]): void {
  for (const lookup of lookups) {
    expect(lookup.complaint).toBeNull();
    expect(lookup.errors).toHaveLength(1);
    const [error] = lookup.errors;
    expect(error?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(error?.message).toBe(BUDGET_EXHAUSTED_MESSAGE);
    // Until the 10 s window ends, not the minute.
    expect(error?.extensions?.['retryAfterSeconds']).toBeGreaterThanOrEqual(1);
    expect(error?.extensions?.['retryAfterSeconds']).toBeLessThanOrEqual(10);
  }
}

const upstreamDetails = (): number => sandboxes.wechatpay.stats()['getComplaint'] ?? 0;

describe.skipIf('reason' in connection)('provider budgets shared by two gateway instances on Redis', () => {
  beforeAll(async () => {
    sandboxes = await startSandboxes({ rateLimits: { list: LIST_PER_MINUTE } });
    const shared = {
      env: { REDIS_URL },
      config: { cache: { store: 'redis' as const, keyPrefix: `${prefix}cache:` } },
      // Calls that cannot go out within 300 ms fail at once: the windows here last 10 s.
      wechatpayAccount: { limits: { list: LIST_PER_MINUTE }, maxQueueMs: 300 },
      // A slow Redis answer on a loaded CI machine would take the outage path (each instance its own share).
      storeTimeoutMs: 5_000,
    };
    instances = [await startGateway(sandboxes, shared), await startGateway(sandboxes, shared)];
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await sandboxes?.close();
    if ('admin' in connection) await dropKeysAndClose(connection.admin, prefix);
  });

  it('lets one account make its window’s calls across both instances, answers RATE_LIMITED for the rest, and never draws a 429', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => fileComplaint(DIRECT)));
    const before = upstreamDetails();
    const lookups = await lookUpAll(DIRECT, ids);
    const answered = lookups.filter((lookup) => lookup.complaint !== null);
    // One budget for both: with a window per instance, twice as many would have gone out.
    expect(answered).toHaveLength(PER_WINDOW);
    expect(new Set(answered.map((lookup) => lookup.complaint?.complaintId)).size).toBe(PER_WINDOW);
    expectRateLimited(lookups.filter((lookup) => lookup.complaint === null));
    expect(lookups.every((lookup) => lookup.status === 200)).toBe(true);
    expect(upstreamDetails() - before).toBe(PER_WINDOW);
    expect(sandboxes.wechatpay.rateLimited()).toBe(0);
  });

  it('keeps a quiet sub-merchant’s reserved share from a noisy sibling of the same service provider', async () => {
    const noisyIds = await Promise.all(Array.from({ length: 10 }, () => fileComplaint(NOISY)));
    const quietId = await fileComplaint(QUIET);
    const before = upstreamDetails();
    // Two merchants share 4 calls per window: 1 reserved each, 2 in the pool.
    const burst = await lookUpAll(NOISY, noisyIds);
    expect(burst.filter((lookup) => lookup.complaint !== null)).toHaveLength(3);
    expectRateLimited(burst.filter((lookup) => lookup.complaint === null));
    // Without a reserved share the burst would have taken all 4, and this would be RATE_LIMITED for 10 s.
    const [quiet] = await lookUpAll(QUIET, [quietId]);
    expect(quiet?.complaint?.complaintId).toBe(quietId);
    expect(quiet?.errors).toEqual([]);
    expect(upstreamDetails() - before).toBe(PER_WINDOW);
    expect(sandboxes.wechatpay.rateLimited()).toBe(0);
  });
});
