import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_WINDOWS, divideBudget } from '../../../../src/providers/http/account-budgets.js';
import { createMemoryBudgetStore } from '../../../../src/providers/http/budget-store.js';
import { accountBudgetsSuite } from './account-budgets.suite.js';

describe('divideBudget', () => {
  it('spreads a minute over 10 s windows so that 7 of them, all a 60 s span can touch, stay within the limit', () => {
    expect(divideBudget(60, 1)).toEqual({ perWindow: 8, reserved: 4, pool: 4 });
    expect(divideBudget(200, 1)).toEqual({ perWindow: 28, reserved: 14, pool: 14 });
    for (const limit of [7, 14, 60, 200, 1500]) expect(divideBudget(limit, 1).perWindow * 7).toBeLessThanOrEqual(limit);
    expect(DEFAULT_BUDGET_WINDOWS).toEqual({ periodMs: 60_000, windowMs: 10_000 });
  });

  it('reserves half in equal shares per merchant and always leaves a pool for the account’s own calls', () => {
    expect(divideBudget(200, 2)).toEqual({ perWindow: 28, reserved: 7, pool: 14 });
    expect(divideBudget(28, 2)).toEqual({ perWindow: 4, reserved: 1, pool: 2 });
    // Too few calls to reserve half: one each while one is left over.
    expect(divideBudget(200, 20)).toEqual({ perWindow: 28, reserved: 1, pool: 8 });
    expect(divideBudget(14, 2)).toEqual({ perWindow: 2, reserved: 0, pool: 2 });
    for (const [limit, merchants] of [
      [7, 1],
      [60, 3],
      [200, 27],
      [200, 28],
      [200, 100],
    ] as const) {
      const shares = divideBudget(limit, merchants);
      expect(shares.pool).toBeGreaterThanOrEqual(1);
      expect(shares.reserved * merchants + shares.pool).toBe(shares.perWindow);
    }
  });

  it('refuses a limit below one call per window', () => {
    expect(() => divideBudget(6, 1)).toThrow(RangeError);
  });
});

// One process: both "instances" count in the same memory store.
accountBudgetsSuite('memory', async () => {
  const store = createMemoryBudgetStore();
  return { stores: [store, store], close: () => store.close() };
});
