import type { z } from 'zod';
import type { QuotaObserver, UpstreamObserver } from './http/upstream-observation.js';
import { configIssueMessage, describeIssue, keyPath } from '../config/config-error.js';
import type { SecretResolver } from '../config/secrets.js';
import type { PiiCipher } from '../crypto/pii-cipher.js';
import type { ProviderName } from '../domain/errors.js';
import type { BudgetStore } from './http/budget-store.js';
import type { CredentialCheck } from './credential-check.js';
import type { Clock } from './http/clock.js';
import type { ComplaintProvider, NotificationReceiver } from './provider.js';
import type { ProviderRegistry } from './registry.js';

/** What every account of a provider module has: the `{account}` of its webhook and where it calls. */
export interface AccountSettings {
  account: string;
  baseUrl: string;
}

/** What the process hands a module to build an account. */
export interface ProviderDeps {
  clock?: Clock;
  /** Per-minute provider budgets, shared by instances when the cache is Redis. */
  budgetStore: BudgetStore;
  /** Failures of an account's background work (e.g. a certificate refresh), for the log. */
  onBackgroundError?: (what: string, error: unknown) => void;
  /** Seals payer phones and openids as adapters map them: nothing cached holds them in clear. */
  pii: PiiCipher;
  /** Every attempt of every provider call (metrics, the access log's upstream count). */
  onUpstreamCall?: UpstreamObserver;
  /** Calls left in a budget window, by calling account and endpoint (group), after each call (metrics). */
  onQuotaRemaining?: QuotaObserver;
}

/** One provider account, built: a ComplaintProvider per merchant it serves, and its webhook's receiver. */
export interface ProviderAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
  /**
   * Readiness: one cheap signed call whose answer is verified, telling whether the account's keys
   * work. Never throws; the credentials monitor calls it at start and then periodically.
   */
  checkCredentials(): Promise<CredentialCheck>;
  /** Stops the account's background work (timers); App.close calls it. */
  close?(): Promise<void>;
}

export interface SandboxStartOptions {
  /** Default: an ephemeral port on 127.0.0.1. */
  port?: number;
}

/** A provider's protocol-faithful sandbox, running in this process (sandbox mode). */
export interface RunningSandbox {
  baseUrl: string;
  /** Its part of sandbox-keys.json (under the module's slug): what a client needs to call it. */
  keys: unknown;
  /** Its accounts as `providers.<slug>` of a config file would hold them. */
  accounts: unknown[];
  /** The merchant numbers it serves (sandbox mode makes a demo token for each). */
  merchantNos: string[];
  /** Points its notifications at the gateway (`webhookUrl(account)`), through the provider's own API where it has one. */
  pointNotificationsAt(webhookUrl: (account: string) => string, registry: ProviderRegistry): Promise<void>;
  close(): Promise<void>;
}

/** The parts of a module the wiring needs without knowing its account type. */
export interface ProviderModuleInfo {
  readonly name: ProviderName;
  /** `providers.<slug>` in the config file and `/webhooks/<slug>/<account>`. */
  readonly slug: string;
  /** How the provider wants to hear that a notification was not accepted (the status is 4xx/5xx). */
  refuseNotification(message: string): { contentType: string; body: string };
  /** Starts its sandbox (loaded on demand: a gateway with real credentials never loads sandbox code). */
  startSandbox(options: SandboxStartOptions): Promise<RunningSandbox>;
}

/**
 * A provider as a plug-in (like a keyv adapter): its account configuration and how an account is
 * built. `src/providers/modules.ts` lists the modules; the wiring (config, app, server) loops over
 * that list and names no provider, so a third provider is one folder and one line.
 */
export interface ProviderModule<Input, Settings extends AccountSettings> extends ProviderModuleInfo {
  /** One account as the config file holds it (secrets as sources, not yet read). */
  readonly accountSchema: z.ZodType<Input, unknown>;
  /** Reads its secrets and keys; reports problems as `<at>.<key>: what` and answers null when it cannot. */
  resolveAccount(input: Input, at: string, secrets: SecretResolver, index: number): Promise<Settings | null>;
  createAccount(settings: Settings, deps: ProviderDeps): ProviderAccount;
}

/** A resolved account with its module: built later, looked at by tests and tools through `accountsOf`. */
export interface ConfiguredAccount {
  readonly module: ProviderModuleInfo;
  readonly settings: AccountSettings;
  create(deps: ProviderDeps): ProviderAccount;
}

/** A module as the wiring holds it: its account type hidden behind `configure`. */
export interface RegisteredModule extends ProviderModuleInfo {
  /** Validates one account of the config file (at `path`, as problems name it) and reads its secrets; null when it cannot. */
  configure(input: unknown, path: readonly PropertyKey[], secrets: SecretResolver, index: number): Promise<ConfiguredAccount | null>;
}

/** Hides a module's account types: validation, resolution and building stay paired inside. */
export function registerModule<Input, Settings extends AccountSettings>(module: ProviderModule<Input, Settings>): RegisteredModule {
  const { name, slug, refuseNotification, startSandbox } = module;
  const info: ProviderModuleInfo = { name, slug, refuseNotification, startSandbox };
  return {
    ...info,
    async configure(input, path, secrets, index) {
      const parsed = module.accountSchema.safeParse(input, { error: configIssueMessage });
      if (!parsed.success) {
        secrets.problems.push(...parsed.error.issues.map((issue) => describeIssue([...path, ...issue.path], issue.message)));
        return null;
      }
      const settings = await module.resolveAccount(parsed.data, keyPath(path), secrets, index);
      return settings === null ? null : { module: info, settings, create: (deps) => module.createAccount(settings, deps) };
    },
  };
}

/** The settings of one module's accounts, typed. */
export function accountsOf<Input, Settings extends AccountSettings>(
  accounts: readonly ConfiguredAccount[],
  module: ProviderModule<Input, Settings>,
): Settings[] {
  // Sound: configure() is the only maker, and it pairs a module's slug with that module's settings.
  return accounts.filter((account) => account.module.slug === module.slug).map((account) => account.settings as Settings);
}
