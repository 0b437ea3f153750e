import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CredentialCheck } from '../../../src/providers/credential-check.js';
import { createCredentialsMonitor, type AccountCredentials, type CredentialsMonitor } from '../../../src/server/credentials-monitor.js';

/** Polls `read` until `done` holds, failing after the deadline (no fixed sleeps). */
async function until<T>(read: () => T, done: (value: T) => boolean, deadlineMs = 5_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A check whose outcomes the test hands out one by one; counts its calls. */
function scripted(outcomes: CredentialCheck[]) {
  let calls = 0;
  return {
    calls: () => calls,
    check: async (): Promise<CredentialCheck> => outcomes[Math.min(calls++, outcomes.length - 1)] ?? { state: 'ok' },
  };
}

const monitors: CredentialsMonitor[] = [];
afterEach(() => {
  for (const monitor of monitors.splice(0)) monitor.close();
});

describe('credentials monitor', () => {
  it('is pending until the first check ends, then keeps each account’s latest state', async () => {
    let release: (check: CredentialCheck) => void = () => undefined;
    const slow = new Promise<CredentialCheck>((resolve) => {
      release = resolve;
    });
    const monitor = createCredentialsMonitor({
      accounts: [
        { id: 'wechatpay/a', check: () => slow },
        { id: 'huishouqian/b', check: async () => ({ state: 'failing', reason: 'auth' }) },
      ],
    });
    monitors.push(monitor);
    expect(monitor.states()['wechatpay/a']).toEqual({ state: 'pending' });
    await until(monitor.states, (states) => states['huishouqian/b']?.state === 'failing');
    expect(monitor.states()).toEqual({ 'wechatpay/a': { state: 'pending' }, 'huishouqian/b': { state: 'failing', reason: 'auth' } });
    release({ state: 'ok' });
    await until(monitor.states, (states) => states['wechatpay/a']?.state === 'ok');
  });

  it('checks again every interval and reports each change once', async () => {
    const account = scripted([{ state: 'ok' }, { state: 'ok' }, { state: 'failing', reason: 'network' }, { state: 'ok' }]);
    const changes: [AccountCredentials, AccountCredentials][] = [];
    const monitor = createCredentialsMonitor({
      accounts: [{ id: 'wechatpay/a', check: account.check }],
      intervalMs: 10,
      onChange: (_, current, previous) => changes.push([previous, current]),
    });
    monitors.push(monitor);
    await until(account.calls, (calls) => calls >= 5);
    expect(changes).toEqual([
      [{ state: 'pending' }, { state: 'ok' }],
      [{ state: 'ok' }, { state: 'failing', reason: 'network' }],
      [{ state: 'failing', reason: 'network' }, { state: 'ok' }],
    ]);
  });

  it('counts a check that outlives its timeout as a network failure, and does not start another meanwhile', async () => {
    let calls = 0;
    const monitor = createCredentialsMonitor({
      accounts: [
        {
          id: 'wechatpay/a',
          check: () => {
            calls += 1;
            return new Promise<CredentialCheck>(() => undefined);
          },
        },
      ],
      intervalMs: 5,
      timeoutMs: 20,
    });
    monitors.push(monitor);
    await until(monitor.states, (states) => states['wechatpay/a']?.state === 'failing');
    expect(monitor.states()['wechatpay/a']).toEqual({ state: 'failing', reason: 'network' });
    expect(calls).toBe(1);
  });

  it('stops checking once closed', async () => {
    vi.useFakeTimers();
    try {
      const account = scripted([{ state: 'ok' }]);
      const monitor = createCredentialsMonitor({ accounts: [{ id: 'huishouqian/b', check: account.check }], intervalMs: 5 });
      await vi.advanceTimersByTimeAsync(5);
      expect(account.calls()).toBe(2);
      monitor.close();
      await vi.advanceTimersByTimeAsync(100);
      expect(account.calls()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
