import { afterAll, describe, expect, it } from 'vitest';
import { createBudgetStore } from '../../../../src/providers/http/budget-store.js';
import { dropKeysAndClose, REDIS_URL, redisOrReason, uniqueKeyPrefix } from '../../../helpers/redis.js';
import { accountBudgetsSuite } from '../../../unit/providers/http/account-budgets.suite.js';

const prefix = uniqueKeyPrefix('account-budgets');
const connection = await redisOrReason('account-budgets.redis tests');

describe.skipIf('reason' in connection)('provider budgets in Redis', () => {
  afterAll(async () => {
    if ('admin' in connection) await dropKeysAndClose(connection.admin, prefix);
  });

  // Two connections with one prefix: two gateway instances drawing on one budget. A generous
  // timeout: on a loaded CI machine a slow answer would take the outage path (tested below) instead.
  accountBudgetsSuite('redis, two instances', async () => {
    const shared = { kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}budget`, operationTimeoutMs: 5_000 } as const;
    const stores = [await createBudgetStore(shared), await createBudgetStore(shared)] as const;
    return { stores, close: async () => void (await Promise.all(stores.map((store) => store.close()))) };
  });

  it('keeps its counters under the given prefix', async () => {
    if (!('admin' in connection)) return;
    const store = await createBudgetStore({ kind: 'redis', url: REDIS_URL, keyPrefix: `${prefix}keys` });
    try {
      expect(await store.counter('wechatpay:1900000101:list:pool', 2, 10).take('shared')).toBe(0);
      expect(await connection.admin.keys(`${prefix}keys*`)).toEqual([`${prefix}keys:wechatpay:1900000101:list:pool:shared`]);
    } finally {
      await store.close();
    }
  });

  it('counts per process, a share of each budget, without failing calls, while Redis cannot be reached', async () => {
    const availability: boolean[] = [];
    const store = await createBudgetStore({
      kind: 'redis',
      url: 'redis://127.0.0.1:1',
      keyPrefix: prefix,
      connectTimeoutMs: 200,
      onAvailability: (available) => availability.push(available),
    });
    try {
      const counter = store.counter('down', 1, 10);
      expect(await counter.take('k')).toBe(0);
      expect(await counter.take('k')).toBeGreaterThan(0);
      // Two instances each counting half keep together to a budget of 4.
      const shared = store.counter('down-shared', 4, 10);
      expect(await shared.take('k')).toBe(0);
      expect(await shared.take('k')).toBe(0);
      expect(await shared.take('k')).toBeGreaterThan(0);
      expect(availability).toEqual([false]);
    } finally {
      await store.close();
    }
  });
});
