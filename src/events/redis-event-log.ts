import { createHash } from 'node:crypto';
import { createClient } from '@redis/client';
import type { MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintEvent } from '../domain/events.js';
import { decodeCursor, encodeCursor } from './event-cursor.js';
import { EventCursorExpiredError, EventLogError } from './event-log-error.js';
import { trackOperations } from './operations-in-flight.js';
import { checkEvents, checkListQuery, dedupeKey } from './event-log-input.js';
import type { AppendedEntry, AppendResult, EventLogEntry, EventPage, ListEventsQuery } from './event-log-entry.js';
import { DEFAULT_RETENTION_MS, PRUNE_BATCH, prunablePrefix } from './event-log-retention.js';
import { redisDurabilityWarning } from './redis-durability.js';

const CURSOR_TAG = 'r1';
// A stream id `<ms>-<seq>`, bounded so Redis never sees an id outside its 64-bit range.
const CURSOR_POSITION = /^(0|[1-9][0-9]{0,14})-(0|[1-9][0-9]{0,18})$/;

/*
 * One script call per append, so dedupe check, append and dedupe record are one atomic step
 * whichever instance runs it. XADD '*' makes ids strictly increasing across all writers, so the
 * global stream is the arrival order and its ids are the cursors. Each event is also added, with
 * the same id, to its merchant's stream, so a filtered page reads only that merchant's entries.
 * KEYS[1] global stream, KEYS[2] dedupe hash, KEYS[2+i] merchant stream of event i;
 * ARGV[2i-1] dedupe key of event i, ARGV[2i] its JSON. Returns {1|0 (new|duplicate), id} per event.
 */
const APPEND_SCRIPT = `
local out = {}
for i = 1, #ARGV / 2 do
  local field = ARGV[2 * i - 1]
  local existing = redis.call('HGET', KEYS[2], field)
  if existing then
    out[i] = {0, existing}
  else
    local id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[2 * i])
    redis.call('XADD', KEYS[2 + i], id, 'e', ARGV[2 * i])
    redis.call('HSET', KEYS[2], field, id)
    out[i] = {1, id}
  end
end
return out
`;
const APPEND_SCRIPT_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/*
 * One prune batch, atomic: each entry leaves the global stream, its merchant's stream and the dedupe
 * hash together (the hash field only if it still names this entry), and the watermark rises to the
 * batch's last id. Instances pruning at once delete nothing twice: XDEL counts what it removed.
 * KEYS[1] global stream, KEYS[2] dedupe hash, KEYS[3] watermark, KEYS[3+i] merchant stream of entry i;
 * ARGV[2i-1] id of entry i, ARGV[2i] its dedupe key. Returns how many entries it removed.
 */
const PRUNE_SCRIPT = `
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local removed = 0
for i = 1, #ARGV / 2 do
  local id = ARGV[2 * i - 1]
  removed = removed + redis.call('XDEL', KEYS[1], id)
  redis.call('XDEL', KEYS[3 + i], id)
  if redis.call('HGET', KEYS[2], ARGV[2 * i]) == id then
    redis.call('HDEL', KEYS[2], ARGV[2 * i])
  end
end
local last = ARGV[#ARGV - 1]
local current = redis.call('GET', KEYS[3])
local lastMs, lastSeq = parse(last)
local curMs, curSeq = 0, 0
if current then curMs, curSeq = parse(current) end
if not current or lastMs > curMs or (lastMs == curMs and lastSeq > curSeq) then
  redis.call('SET', KEYS[3], last)
end
return removed
`;
const PRUNE_SCRIPT_SHA = createHash('sha1').update(PRUNE_SCRIPT).digest('hex');

interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

function unavailable(error: unknown): EventLogError {
  return error instanceof EventLogError ? error : new EventLogError('The Redis event log failed', { cause: error });
}

function compareIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

function parseScriptReply(reply: unknown, count: number): [boolean, string][] {
  if (!Array.isArray(reply) || reply.length !== count) throw new EventLogError('Unexpected reply from the append script');
  return reply.map((item: unknown): [boolean, string] => {
    if (!Array.isArray(item) || (item[0] !== 0 && item[0] !== 1) || typeof item[1] !== 'string') {
      throw new EventLogError('Unexpected reply from the append script');
    }
    return [item[0] === 1, item[1]];
  });
}

// Only the event's own fields: whatever else a caller's object carries stays out of the log.
function serialise(event: ComplaintEvent): string {
  const { notificationId, complaint, actionType, providerTime, receivedAt } = event;
  const { provider, merchantNo, complaintId } = complaint;
  return JSON.stringify({ notificationId, complaint: { provider, merchantNo, complaintId }, actionType, providerTime, receivedAt });
}

function toEntry(entry: StreamEntry): EventLogEntry {
  const json = entry.message['e'];
  if (json === undefined) throw new EventLogError('An event log entry has no event');
  const stored = JSON.parse(json) as ComplaintEvent;
  return {
    cursor: encodeCursor(CURSOR_TAG, entry.id),
    event: {
      notificationId: stored.notificationId,
      complaint: {
        provider: stored.complaint.provider,
        merchantNo: stored.complaint.merchantNo,
        complaintId: stored.complaint.complaintId,
      },
      actionType: stored.actionType,
      providerTime: stored.providerTime,
      receivedAt: stored.receivedAt,
    },
  };
}

/** Shared mode: several gateway instances append to and serve one feed. */
export interface RedisEventLogConfig {
  store: 'redis';
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prefix of every key this log owns; default `complaint-gateway:events:`. */
  keyPrefix?: string;
  /** Per-command limit, so a stalled Redis fails the webhook (and the provider retries); default 2000. */
  commandTimeoutMs?: number;
  /** What `prune` keeps (the config's retentionDays); default 90 days. */
  retentionMs?: number;
}

export interface RedisEventLogOptions {
  /** Told at open when the server may lose acknowledged appends (see redis-durability.ts). */
  onWarning?: (message: string) => void;
}

/**
 * Event log in Redis, shared by every gateway instance configured with the same URL and prefix.
 * Durability is Redis's: only AOF with `appendfsync always` keeps every acknowledged notification
 * through a Redis restart; opening checks that and warns otherwise.
 */
export async function createRedisEventLog(config: RedisEventLogConfig, options: RedisEventLogOptions = {}) {
  const { url, keyPrefix = 'complaint-gateway:events:', commandTimeoutMs = 2000, retentionMs = DEFAULT_RETENTION_MS } = config;
  const streamKey = `${keyPrefix}log`;
  const seenKey = `${keyPrefix}seen`;
  // The highest pruned stream id.
  const prunedKey = `${keyPrefix}pruned`;
  const merchantKey = (m: MerchantKey): string => `${keyPrefix}merchant:${m.provider}:${m.merchantNo}`;

  let ready = false;
  const client = createClient({
    url,
    // Fail fast while disconnected: the webhook answers 5xx and the provider redelivers later.
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: {
      connectTimeout: commandTimeoutMs,
      // Give up on the first connection (a wrong URL should stop start-up); reconnect after that.
      reconnectStrategy: (retries, cause) => (ready ? Math.min(50 * 2 ** retries, 2000) : cause),
    },
  });
  // Every command failure reaches its caller as a rejection; the emitter's copy adds nothing.
  client.on('error', () => undefined);
  try {
    await client.connect();
    ready = true;
  } catch (error) {
    throw new EventLogError('The Redis event log could not connect', { cause: error });
  }
  if (options.onWarning !== undefined) {
    const warning = await redisDurabilityWarning((parameter) => client.configGet(parameter));
    if (warning !== null) options.onWarning(warning);
  }

  const operations = trackOperations(unavailable);
  const tracked = <T>(operation: () => Promise<T>): Promise<T> => operations.track(operation);

  async function runScript(script: string, sha: string, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(sha, { keys, arguments: args });
    } catch (error) {
      // After a Redis restart or SCRIPT FLUSH the cached script is gone: send it once in full.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return client.eval(script, { keys, arguments: args });
      }
      throw error;
    }
  }

  async function pruneBatch(now: Date): Promise<{ removed: number; more: boolean }> {
    // Deleted entries leave the stream: its head is always the oldest entry left.
    const rows = await client.xRange(streamKey, '-', '+', { COUNT: PRUNE_BATCH });
    const entries = rows.map(toEntry);
    const count = prunablePrefix(
      entries.map((entry) => entry.event.receivedAt),
      now,
      retentionMs,
    );
    if (count === 0) return { removed: 0, more: false };
    const old = entries.slice(0, count);
    const keys = [streamKey, seenKey, prunedKey, ...old.map((entry) => merchantKey(entry.event.complaint))];
    const args = old.flatMap((entry, i) => [rows[i]?.id ?? '', dedupeKey(entry.event)]);
    const removed = await runScript(PRUNE_SCRIPT, PRUNE_SCRIPT_SHA, keys, args);
    if (typeof removed !== 'number') throw new EventLogError('Unexpected reply from the prune script');
    return { removed, more: count === PRUNE_BATCH };
  }

  return {
    async append(events: readonly ComplaintEvent[]): Promise<AppendResult> {
      checkEvents(events);
      if (events.length === 0) return { entries: [] };
      return tracked(async () => {
        const keys = [streamKey, seenKey, ...events.map((e) => merchantKey(e.complaint))];
        const args = events.flatMap((e) => [dedupeKey(e), serialise(e)]);
        const outcomes = parseScriptReply(await runScript(APPEND_SCRIPT, APPEND_SCRIPT_SHA, keys, args), events.length);
        const entries = events.map((event, i): AppendedEntry => {
          const [isNew, id] = outcomes[i] ?? [false, ''];
          return { cursor: encodeCursor(CURSOR_TAG, id), event, duplicate: !isNew };
        });
        return { entries };
      });
    },

    async list(query: ListEventsQuery): Promise<EventPage> {
      const merchants = checkListQuery(query);
      const after = query.after === undefined ? undefined : decodeCursor(CURSOR_TAG, query.after, CURSOR_POSITION);
      if (merchants?.length === 0) return { entries: [], hasNextPage: false };
      const start = after === undefined ? '-' : `(${after}`;
      const count = query.first + 1;
      const page = await tracked(async () => {
        let rows: StreamEntry[];
        if (merchants === undefined) {
          rows = await client.xRange(streamKey, start, '+', { COUNT: count });
        } else {
          const perMerchant = await Promise.all(merchants.map((m) => client.xRange(merchantKey(m), start, '+', { COUNT: count })));
          rows = perMerchant
            .flat()
            .sort((a, b) => compareIds(a.id, b.id))
            .slice(0, count);
        }
        // Read after the page: a prune that ran before the page read is seen here, so no page silently
        // skips pruned entries (one that ran in between expires the cursor a little early).
        const prunedUpTo = after === undefined ? null : await client.get(prunedKey);
        return { rows, prunedUpTo };
      });
      if (after !== undefined && page.prunedUpTo !== null && compareIds(after, page.prunedUpTo) < 0) throw new EventCursorExpiredError();
      return { entries: page.rows.slice(0, query.first).map(toEntry), hasNextPage: page.rows.length > query.first };
    },

    async prune(now = new Date()): Promise<{ removed: number }> {
      let removed = 0;
      // Batch by batch, each one script: appends run between them. Closing stops it between batches.
      do {
        const batch = await tracked(() => pruneBatch(now));
        removed += batch.removed;
        if (!batch.more) break;
      } while (!operations.closed);
      return { removed };
    },

    async check(): Promise<void> {
      await tracked(() => client.ping());
    },

    async close() {
      if (operations.closed) return;
      await operations.close();
      await client.close();
    },
  };
}
