import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type { MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintEvent } from '../domain/events.js';
import { decodeCursor, encodeCursor } from './event-cursor.js';
import { EventCursorExpiredError, EventLogError } from './event-log-error.js';
import { checkEvents, checkListQuery } from './event-log-input.js';
import { entryFromColumns, type StoredEventColumns } from './event-row.js';
import type { AppendedEntry, AppendResult, EventLogEntry, EventPage, ListEventsQuery } from './event-log-entry.js';
import { DEFAULT_RETENTION_MS, PRUNE_BATCH, prunablePrefix } from './event-log-retention.js';

const CURSOR_TAG = 's1';
// Row ids stay far below 2^53, so they survive the round trip through a JS number.
const CURSOR_POSITION = /^(0|[1-9][0-9]{0,14})$/;

// seq is the rowid, handed out inside the writer's exclusive transaction: arrival order is seq
// order, and a reader never sees seq N+1 committed before seq N. AUTOINCREMENT never reuses a seq,
// so a cursor keeps naming its position after old entries are pruned. The one row of
// complaint_events_pruned is the watermark: the highest seq pruned.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS complaint_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  provider TEXT NOT NULL,
  notification_id TEXT NOT NULL,
  merchant_no TEXT NOT NULL,
  complaint_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  provider_time TEXT,
  received_at TEXT NOT NULL,
  UNIQUE (provider, notification_id)
);
CREATE INDEX IF NOT EXISTS complaint_events_by_merchant ON complaint_events (provider, merchant_no, seq);
CREATE TABLE IF NOT EXISTS complaint_events_pruned (id INTEGER PRIMARY KEY CHECK (id = 1), up_to INTEGER NOT NULL);
`;

// Appends per transaction: bounds how long one commit holds the write lock.
const MAX_GROUP = 256;

const COLUMNS = 'seq, provider, notification_id, merchant_no, complaint_id, action_type, provider_time, received_at';

interface EventRow extends StoredEventColumns {
  seq: number;
}

type Param = string | number | null;

function openDatabase(path: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (error) => {
      if (error) reject(error);
      else resolve(db);
    });
  });
}

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

function run(db: sqlite3.Database, sql: string, params: Param[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
}

function get<T>(db: sqlite3.Database, sql: string, params: Param[]): Promise<T | undefined> {
  return new Promise((resolve, reject) => db.get<T>(sql, params, (error, row) => (error ? reject(error) : resolve(row))));
}

function all<T>(db: sqlite3.Database, sql: string, params: Param[]): Promise<T[]> {
  return new Promise((resolve, reject) => db.all<T>(sql, params, (error, rows) => (error ? reject(error) : resolve(rows))));
}

function toEntry(row: EventRow): EventLogEntry {
  return entryFromColumns(CURSOR_TAG, String(row.seq), row);
}

function unavailable(error: unknown): EventLogError {
  return new EventLogError('The SQLite event log failed', { cause: error });
}

/** Embedded, durable default: one file, safe for several processes on one machine. */
export interface SqliteEventLogConfig {
  store: 'sqlite';
  /** File path; created with its table on first use. */
  path: string;
  /** How long a writer waits for another process's transaction; default 5000. */
  busyTimeoutMs?: number;
  /** What `prune` keeps (the config's retentionDays); default 90 days. */
  retentionMs?: number;
}

/**
 * Event log in one SQLite file (WAL, synchronous=FULL: an acknowledged append survives a crash).
 * Several processes may open the same file; their writes serialise on SQLite's write lock.
 */
export async function createSqliteEventLog(config: SqliteEventLogConfig) {
  const { path, busyTimeoutMs = 5000, retentionMs = DEFAULT_RETENTION_MS } = config;
  let db: sqlite3.Database;
  // Its folder is made on the way (a fresh deployment's data directory); the path is no secret and
  // is what an operator needs to see when it cannot be.
  try {
    await mkdir(dirname(path), { recursive: true });
    db = await openDatabase(path);
  } catch (error) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
    throw new EventLogError(`The SQLite event log could not be opened at ${path}${code}`, { cause: error });
  }
  try {
    db.configure('busyTimeout', busyTimeoutMs);
    await exec(db, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    await exec(db, SCHEMA);
  } catch (error) {
    db.close(() => undefined);
    throw new EventLogError('The SQLite event log could not be prepared', { cause: error });
  }

  // One connection runs one transaction at a time, and a read on it would see the open
  // transaction's uncommitted rows: every operation of this instance takes its turn.
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;
  function inTurn<T>(operation: () => Promise<T>): Promise<T> {
    const result = tail.then(operation);
    tail = result.catch(() => undefined);
    return result;
  }

  /*
   * Group commit: appends that arrive while a transaction is being made durable wait, and then
   * share the next transaction and its one fsync. Each append's events still commit together or
   * not at all; a failed transaction fails every append in it (each caller answers 5xx and the
   * provider redelivers).
   */
  interface WaitingAppend {
    events: readonly ComplaintEvent[];
    resolve: (result: AppendResult) => void;
    reject: (error: unknown) => void;
  }
  const waiting: WaitingAppend[] = [];
  let commitQueued = false;

  function queueCommit(): void {
    commitQueued = true;
    void inTurn(commitWaiting);
  }

  async function commitWaiting(): Promise<void> {
    commitQueued = false;
    const group = waiting.splice(0, MAX_GROUP);
    if (waiting.length > 0) queueCommit();
    try {
      // IMMEDIATE takes the write lock now, so another process's writer waits instead of deadlocking.
      await run(db, 'BEGIN IMMEDIATE');
      const results: AppendedEntry[][] = [];
      for (const append of group) results.push(await insertAll(append.events));
      await run(db, 'COMMIT');
      for (const [i, append] of group.entries()) append.resolve({ entries: results[i] ?? [] });
    } catch (error) {
      await run(db, 'ROLLBACK').catch(() => undefined);
      for (const append of group) append.reject(unavailable(error));
    }
  }

  async function pruneBatch(now: Date): Promise<{ removed: number; more: boolean }> {
    await run(db, 'BEGIN IMMEDIATE');
    try {
      const rows = await all<{ seq: number; received_at: string }>(db, 'SELECT seq, received_at FROM complaint_events ORDER BY seq LIMIT ?', [PRUNE_BATCH]);
      const removed = prunablePrefix(
        rows.map((row) => row.received_at),
        now,
        retentionMs,
      );
      const last = rows[removed - 1];
      if (last !== undefined) {
        // Each row is its own dedupe record (UNIQUE (provider, notification_id)): both go together.
        await run(db, 'DELETE FROM complaint_events WHERE seq <= ?', [last.seq]);
        await run(db, 'INSERT INTO complaint_events_pruned (id, up_to) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET up_to = max(up_to, excluded.up_to)', [
          last.seq,
        ]);
      }
      await run(db, 'COMMIT');
      return { removed, more: removed === PRUNE_BATCH };
    } catch (error) {
      await run(db, 'ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async function insertAll(events: readonly ComplaintEvent[]): Promise<AppendedEntry[]> {
    const entries: AppendedEntry[] = [];
    for (const event of events) {
      const { provider, merchantNo, complaintId } = event.complaint;
      const inserted = await get<{ seq: number }>(
        db,
        `INSERT INTO complaint_events (provider, notification_id, merchant_no, complaint_id, action_type, provider_time, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, notification_id) DO NOTHING RETURNING seq`,
        [provider, event.notificationId, merchantNo, complaintId, event.actionType, event.providerTime, event.receivedAt],
      );
      const seq =
        inserted?.seq ??
        (await get<{ seq: number }>(db, 'SELECT seq FROM complaint_events WHERE provider = ? AND notification_id = ?', [provider, event.notificationId]))?.seq;
      if (seq === undefined) throw new Error('conflicting row vanished inside the transaction');
      entries.push({ cursor: encodeCursor(CURSOR_TAG, String(seq)), event, duplicate: inserted === undefined });
    }
    return entries;
  }

  return {
    async append(events: readonly ComplaintEvent[]): Promise<AppendResult> {
      checkEvents(events);
      if (events.length === 0) return { entries: [] };
      if (closed) throw new EventLogError('The event log is closed');
      return new Promise<AppendResult>((resolve, reject) => {
        waiting.push({ events, resolve, reject });
        if (!commitQueued) queueCommit();
      });
    },

    async list(query: ListEventsQuery): Promise<EventPage> {
      const merchants = checkListQuery(query);
      const after = query.after === undefined ? 0 : Number(decodeCursor(CURSOR_TAG, query.after, CURSOR_POSITION));
      if (merchants?.length === 0) return { entries: [], hasNextPage: false };
      const limit = query.first + 1;
      const { sql, params } = merchants === undefined ? pageOfAll(after, limit) : pageOfMerchants(merchants, after, limit);
      if (closed) throw new EventLogError('The event log is closed');
      const { rows, prunedUpTo } = await inTurn(async () => {
        try {
          const page = await all<EventRow>(db, sql, params);
          // Read after the page: a prune committed before the page read is seen here, so no page
          // silently skips pruned entries (one committed in between expires the cursor a little early).
          const watermark =
            query.after === undefined ? undefined : await get<{ up_to: number }>(db, 'SELECT up_to FROM complaint_events_pruned WHERE id = 1', []);
          return { rows: page, prunedUpTo: watermark?.up_to ?? 0 };
        } catch (error) {
          throw unavailable(error);
        }
      });
      if (after < prunedUpTo) throw new EventCursorExpiredError();
      return { entries: rows.slice(0, query.first).map(toEntry), hasNextPage: rows.length > query.first };
    },

    async prune(now = new Date()): Promise<{ removed: number }> {
      if (closed) throw new EventLogError('The event log is closed');
      let removed = 0;
      // One batch per turn: appends queued meanwhile commit between batches. Closing stops it between batches.
      while (!closed) {
        const batch = await inTurn(() => pruneBatch(now).catch((error: unknown) => Promise.reject(unavailable(error))));
        removed += batch.removed;
        if (!batch.more) break;
      }
      return { removed };
    },

    async check(): Promise<void> {
      if (closed) throw new EventLogError('The event log is closed');
      // Not in turn: a read needs no turn of its own, and readiness must not wait behind a prune batch.
      await get(db, 'SELECT seq FROM complaint_events LIMIT 1', []).catch((error: unknown) => Promise.reject(unavailable(error)));
    },

    async close() {
      if (closed) return;
      closed = true;
      await tail;
      await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(unavailable(error)) : resolve())));
    },
  };
}

function pageOfAll(after: number, limit: number): { sql: string; params: Param[] } {
  return { sql: `SELECT ${COLUMNS} FROM complaint_events WHERE seq > ? ORDER BY seq LIMIT ?`, params: [after, limit] };
}

// One index range per merchant, merged: a rarely active merchant does not scan everyone's events.
function pageOfMerchants(merchants: MerchantKey[], after: number, limit: number): { sql: string; params: Param[] } {
  const parts = merchants.map(
    () => `SELECT * FROM (SELECT ${COLUMNS} FROM complaint_events WHERE provider = ? AND merchant_no = ? AND seq > ? ORDER BY seq LIMIT ?)`,
  );
  const params = merchants.flatMap((m) => [m.provider, m.merchantNo, after, limit]);
  return { sql: `${parts.join(' UNION ALL ')} ORDER BY seq LIMIT ?`, params: [...params, limit] };
}
