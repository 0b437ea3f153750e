import { invalidateComplaint } from '../../cache/invalidation.js';
import { createWriteRecords, fingerprintOf, type WriteRecord } from '../../cache/write-records.js';
import type { Capability } from '../../domain/capability.js';
import { complaintKeyToString, type ComplaintKey, type MerchantKey } from '../../domain/complaint-key.js';
import { complaintNotFound, OutcomeUnknownError, UnsupportedError, ValidationError } from '../../domain/errors.js';
import type { NegotiationEntry } from '../../domain/negotiation.js';
import type { ComplaintProvider } from '../../providers/provider.js';
import { builder } from '../builder.js';
import { ComplaintRef } from '../complaint.js';
import type { Context } from '../context.js';
import { complaintGlobalId, decodeComplaintId } from '../global-id.js';

/** A repeat finding the first request still without an answer waits this long before it may check upstream. */
const SENDING_GRACE_MS = 60_000;

export const IDEMPOTENCY_KEY_DESCRIPTION =
  "Makes a repeat safe: a repeat with the same key (on any gateway instance, for 24 hours) returns the first call's result " +
  'without sending again; after an OUTCOME_UNKNOWN error it first checks whether the first attempt landed. 1-128 printable ASCII characters.';

/** The merchant's provider, refusing up front what its declared capabilities exclude. */
export function providerFor(context: Context, merchant: MerchantKey, capability: Capability): ComplaintProvider {
  const provider = context.registry.get(merchant);
  if (!provider.merchant.capabilities.includes(capability)) throw new UnsupportedError(provider.merchant.provider, capability);
  return provider;
}

/** One state-changing call on one complaint, as the write mutations describe it. */
export interface ComplaintWrite<T> {
  /** Names the write in idempotency records: a key is scoped to one complaint and one kind of write. */
  name: 'reply' | 'replyImmediately' | 'complete' | 'updateRefundProgress';
  /** The caller's global complaint id. */
  complaintId: string;
  capability: Capability;
  /** A repeat with the same key returns the first call's result; with another input it is refused. */
  idempotencyKey: string | null;
  /** What the request asks (its fingerprint is kept with the key). */
  input: unknown;
  send(provider: ComplaintProvider, complaint: ComplaintKey): Promise<T>;
  /**
   * After an unknown outcome: reads the provider to tell whether the first attempt (sent at
   * `sentAt`) landed, and its result if so; null when it did not. Without it the write is sent again,
   * which only a provider that deduplicates itself makes safe (immediate replies carry the key).
   */
  landed?(provider: ComplaintProvider, complaint: ComplaintKey, sentAt: number): Promise<T | null>;
}

function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key == null) return null;
  // Printable ASCII: the same rule WeChat applies to its own idempotent_id.
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) throw new ValidationError('idempotencyKey must be 1 to 128 printable ASCII characters', 'input.idempotencyKey');
  return key;
}

/**
 * Runs a state-changing call on one complaint the caller owns, at most once per idempotency key,
 * then evicts everything that showed the old state (shared cache and this request's loaders), so
 * the success payload and every later read see the new state.
 *
 * Order matters: the complaint's owner is checked with an authoritative read (the provider's own
 * answer, or a cached copy of it) before anything else, so another merchant's complaint, even a
 * sibling's under the same service provider whose calls WeChat would accept, fails exactly like an
 * unknown one, and nobody reaches a record kept for a complaint that is not theirs.
 */
export async function changeComplaint<T>(context: Context, write: ComplaintWrite<T>): Promise<{ key: ComplaintKey; result: T }> {
  const key = decodeComplaintId(write.complaintId, 'input.complaintId');
  const idempotencyKey = checkIdempotencyKey(write.idempotencyKey);
  if (context.registry.find(key) === undefined) throw complaintNotFound();
  const provider = providerFor(context, key, write.capability);
  await context.loaders.complaint.load(key);

  const records = createWriteRecords(context.cache);
  // The complaint and the kind of write belong to the request; the key itself does not.
  const fingerprint = fingerprintOf([complaintKeyToString(key), write.name, write.input]);
  const record = idempotencyKey === null ? undefined : await records.get(key, write.name, idempotencyKey);
  const remember = async (next: WriteRecord): Promise<void> => {
    if (idempotencyKey !== null) await records.put(key, write.name, idempotencyKey, next);
  };
  const forget = async (): Promise<void> => {
    context.loaders.forgetComplaint(key);
    await invalidateComplaint(context.cache, key);
  };

  if (record !== undefined) {
    if (record.fingerprint !== fingerprint) throw new ValidationError('idempotencyKey was already used for a different request', 'input.idempotencyKey');
    if (record.state === 'done') return { key, result: record.result as T };
    if (record.state === 'sending' && context.clock.now() - record.sentAt < SENDING_GRACE_MS) {
      throw new OutcomeUnknownError('a request with this idempotencyKey is still waiting for its answer; repeat it in a minute');
    }
    const found = write.landed === undefined ? null : await write.landed(provider, key, record.sentAt);
    if (found !== null) {
      await forget();
      await remember({ state: 'done', fingerprint, result: found });
      return { key, result: found };
    }
  }

  const sentAt = context.clock.now();
  await remember({ state: 'sending', fingerprint, sentAt });
  let result: T;
  try {
    result = await write.send(provider, key);
  } catch (error) {
    const unknown = error instanceof OutcomeUnknownError;
    await Promise.all([
      // A failure may have changed the complaint too (a 5xx after the commit): evict either way.
      forget(),
      idempotencyKey === null ? undefined : unknown ? remember({ state: 'unknown', fingerprint, sentAt }) : records.remove(key, write.name, idempotencyKey),
    ]);
    throw error;
  }
  await forget();
  await remember({ state: 'done', fingerprint, result: result ?? null });
  return { key, result };
}

/** Provider and gateway clocks differ: an entry this much older than the send still counts as its result. */
const CLOCK_SLACK_MS = 5 * 60_000;

/**
 * Whether the complaint's negotiation history, read fresh from the provider (never the cache, which
 * may predate the write), has an entry from `sentAt` on that `matches`: how a repeat learns whether
 * a first attempt with an unknown outcome landed.
 */
export async function historyHasEntry(
  provider: ComplaintProvider,
  complaint: ComplaintKey,
  sentAt: number,
  matches: (entry: NegotiationEntry) => boolean,
): Promise<boolean> {
  const limit = provider.limits.maxHistoryPageSize;
  for (let offset = 0; ; offset += limit) {
    const page = await provider.getNegotiationHistory(complaint.complaintId, { limit, offset });
    // An entry whose time could not be read may be the one: a missed match would send the write again.
    const recent = (entry: NegotiationEntry): boolean => entry.operatedAt === null || Date.parse(entry.operatedAt) >= sentAt - CLOCK_SLACK_MS;
    if (page.entries.some((entry) => recent(entry) && matches(entry))) return true;
    if (page.entries.length < limit || (page.totalCount !== null && offset + limit >= page.totalCount)) return false;
  }
}

export interface ComplaintChanged {
  key: ComplaintKey;
}

/**
 * `XSuccess { complaintId complaint }`: the complaint as it is after the change (read fresh, never
 * from cache). `complaint` needs the read scope; a caller allowed to write but not to read still
 * learns that its write succeeded.
 */
export function complaintSuccessType<T extends ComplaintChanged = ComplaintChanged>(name: string, description: string) {
  return builder.objectRef<T>(name).implement({
    description,
    fields: (t) => ({
      complaintId: t.id({ description: 'The global id of the changed complaint.', resolve: (changed) => complaintGlobalId(changed.key) }),
      complaint: t.field({
        type: ComplaintRef,
        nullable: true,
        description: 'null, with an error, when the caller may not read complaints.',
        resolve: (changed, _args, context) => context.loaders.complaint.load(changed.key),
      }),
    }),
  });
}
