import { credentialsFailing, type CredentialCheck } from '../providers/credential-check.js';

/** An account's latest check; `pending` until its first check has ended. */
export type AccountCredentials = CredentialCheck | { state: 'pending' };

export interface MonitoredAccount {
  /** `<module slug>/<account>`, as /readyz names it. */
  id: string;
  check(): Promise<CredentialCheck>;
}

export interface CredentialsMonitorOptions {
  accounts: readonly MonitoredAccount[];
  /** Between the starts of two rounds; default 60 000 (tests shorten it). */
  intervalMs?: number;
  /** A check that has not ended by then counts as a network failure; default 10 000. */
  timeoutMs?: number;
  /** An account's state changed (for the log). */
  onChange?: (id: string, current: CredentialCheck, previous: AccountCredentials) => void;
}

export interface CredentialsMonitor {
  /** The latest state of every account, by id: read by /readyz, which so never calls a provider. */
  states(): Readonly<Record<string, AccountCredentials>>;
  /** Stops the timer; checks still out are ignored when they end. */
  close(): void;
}

const PENDING: AccountCredentials = { state: 'pending' };
const TIMED_OUT = credentialsFailing('network');

function sameState(a: AccountCredentials, b: AccountCredentials): boolean {
  return a.state === b.state && (a.state !== 'failing' || b.state !== 'failing' || a.reason === b.reason);
}

/** Resolves with the check's outcome, or a network failure once `timeoutMs` has passed. */
function withDeadline(check: Promise<CredentialCheck>, timeoutMs: number): Promise<CredentialCheck> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CredentialCheck>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    timer.unref();
  });
  return Promise.race([check, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Checks every account's credentials at once at start, then every `intervalMs`, and keeps each
 * one's latest state. One check per account is out at a time: a provider that does not answer is
 * not asked again until the call ends (its client's own timeout), so checks never pile up. Each
 * check is one or two calls a minute, well inside every provider budget.
 */
export function createCredentialsMonitor(options: CredentialsMonitorOptions): CredentialsMonitor {
  const { accounts, intervalMs = 60_000, timeoutMs = 10_000, onChange } = options;
  const latest = new Map<string, AccountCredentials>(accounts.map((account) => [account.id, PENDING]));
  const out = new Set<string>();
  let closed = false;

  const record = (id: string, current: CredentialCheck): void => {
    if (closed) return;
    const previous = latest.get(id) ?? PENDING;
    latest.set(id, current);
    if (!sameState(previous, current)) onChange?.(id, current, previous);
  };

  const checkOne = async (account: MonitoredAccount): Promise<void> => {
    if (out.has(account.id)) return;
    out.add(account.id);
    // The contract says checks never throw; one that does still counts as "could not ask".
    const check = account.check().catch(() => TIMED_OUT);
    try {
      record(account.id, await withDeadline(check, timeoutMs));
      await check;
    } finally {
      out.delete(account.id);
    }
  };

  const round = (): void => {
    for (const account of accounts) void checkOne(account);
  };
  round();
  const timer = setInterval(round, intervalMs);
  // Never keeps the process alive: App.close stops it, and a process exiting need not wait.
  timer.unref();

  return {
    states: () => Object.fromEntries(latest),
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
