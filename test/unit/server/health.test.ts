import { describe, expect, it } from 'vitest';
import { CacheStoreError } from '../../../src/cache/cache-store-error.js';
import { EventLogError } from '../../../src/events/event-log-error.js';
import type { AccountCredentials } from '../../../src/server/credentials-monitor.js';
import { createReadinessCheck, readinessStatus, type ReadinessChecks, type StoreState } from '../../../src/server/health.js';

const OK: AccountCredentials = { state: 'ok' };
const network: AccountCredentials = { state: 'failing', reason: 'network' };

function checks(accounts: Record<string, AccountCredentials>, cache: StoreState = 'ok', eventLog: StoreState = 'ok'): ReadinessChecks {
  return { stores: { cache, eventLog }, accounts };
}

describe('readinessStatus', () => {
  it.each([
    ['every check ok', checks({ 'wechatpay/a': OK, 'huishouqian/b': OK }), 'ready'],
    ['no account configured', checks({}), 'ready'],
    ['only the cache failing', checks({ 'wechatpay/a': OK }, 'failing'), 'degraded'],
    ['one of two accounts unreachable', checks({ 'wechatpay/a': OK, 'huishouqian/b': network }), 'degraded'],
    ['one account still pending beside a good one', checks({ 'wechatpay/a': OK, 'huishouqian/b': { state: 'pending' } }), 'degraded'],
    ['the event log failing', checks({ 'wechatpay/a': OK }, 'ok', 'failing'), 'not ready'],
    ['one account refused (auth)', checks({ 'wechatpay/a': OK, 'huishouqian/b': { state: 'failing', reason: 'auth' } }), 'not ready'],
    ['one account whose answers do not verify', checks({ 'wechatpay/a': { state: 'failing', reason: 'signature' }, 'huishouqian/b': OK }), 'not ready'],
    ['no account reachable', checks({ 'wechatpay/a': network, 'huishouqian/b': network }), 'not ready'],
    ['every account pending (before the first check)', checks({ 'wechatpay/a': { state: 'pending' } }), 'not ready'],
  ] as const)('%s → %s', (_, input, status) => {
    expect(readinessStatus(input)).toBe(status);
  });
});

describe('createReadinessCheck', () => {
  const never = (): Promise<void> => new Promise<void>(() => undefined);

  it('reports each store and the monitor’s latest account states', async () => {
    const check = createReadinessCheck({
      cache: { check: () => Promise.reject(new CacheStoreError('down')) },
      eventLog: { check: () => Promise.resolve() },
      credentials: { states: () => ({ 'wechatpay/1900000001': OK }) },
    });
    expect(await check()).toEqual({
      status: 'degraded',
      checks: { stores: { cache: 'failing', eventLog: 'ok' }, accounts: { 'wechatpay/1900000001': OK } },
    });
  });

  it('counts a store that does not answer within its timeout as failing', async () => {
    const check = createReadinessCheck({
      cache: { check: never },
      eventLog: { check: never },
      credentials: { states: () => ({}) },
      storeTimeoutMs: 20,
    });
    expect(await check()).toEqual({ status: 'not ready', checks: { stores: { cache: 'failing', eventLog: 'failing' }, accounts: {} } });
  });

  it('is not ready when the event log refuses the check', async () => {
    const check = createReadinessCheck({
      cache: { check: () => Promise.resolve() },
      eventLog: { check: () => Promise.reject(new EventLogError('The event log is closed')) },
      credentials: { states: () => ({ 'huishouqian/x': OK }) },
    });
    expect((await check()).status).toBe('not ready');
  });
});
