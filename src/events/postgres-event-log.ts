import pg from 'pg';
import type { MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintEvent } from '../domain/events.js';
import { decodeCursor, encodeCursor } from './event-cursor.js';
import { EventCursorExpiredError, EventLogError } from './event-log-error.js';
import { trackOperations } from './operations-in-flight.js';
import { checkEvents, checkListQuery } from './event-log-input.js';
import { entryFromColumns, type StoredEventColumns } from './event-row.js';
import type { AppendedEntry, AppendResult, EventLogEntry, EventPage, ListEventsQuery } from './event-log-entry.js';
import { DEFAULT_RETENTION_MS, PRUNE_BATCH, prunablePrefix } from './event-log-retention.js';

const CURSOR_TAG = 'p1';
// A bigint position; 18 digits stay below 2^63, so PostgreSQL never sees an out-of-range value.
const CURSOR_POSITION = /^(0|[1-9][0-9]{0,17})$/;

// Advisory lock keys (any constants; advisory locks are per database, so only this log's own
// sessions ever contend for them). The append lock is exported for the tests that hold it.
export const APPEND_LOCK = 7_215_301_001;
const MIGRATION_LOCK = 7_215_301_002;

/*
 * Why appends take a lock and only then a position: a sequence hands out numbers when asked, not
 * when the transaction commits, so with free-running writers position 41 could commit after 42,
 * and a poller that already read 42 would resume behind 41 and never see it. Holding one
 * transaction-scoped advisory lock from before `nextval` until commit makes position order the
 * commit order: every snapshot sees a prefix of the log (plus gaps that stay gaps, from rolled-back
 * or duplicate inserts). The sequence must not cache values per session (CACHE 1, the default).
 * Each row is its own dedupe record (UNIQUE (provider, notification_id)): pruning removes both at
 * once. The one row of complaint_events_pruned is the watermark: the highest position pruned.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE SEQUENCE complaint_event_positions CACHE 1;
   CREATE TABLE complaint_events (
     position bigint PRIMARY KEY,
     provider text NOT NULL,
     notification_id text NOT NULL,
     merchant_no text NOT NULL,
     complaint_id text NOT NULL,
     action_type text NOT NULL,
     provider_time text,
     received_at text NOT NULL,
     UNIQUE (provider, notification_id)
   );
   CREATE INDEX complaint_events_by_merchant ON complaint_events (provider, merchant_no, position);
   CREATE TABLE complaint_events_pruned (id boolean PRIMARY KEY DEFAULT true CHECK (id), up_to bigint NOT NULL);`,
];

// Appends per transaction: bounds how long one commit holds the append lock.
const MAX_GROUP = 256;

const COLUMNS = 'position, provider, notification_id, merchant_no, complaint_id, action_type, provider_time, received_at';

// One statement per event: the insert, or (a duplicate) the position stored first. The CTE's
// SELECT sees the table as it was before the insert, so exactly one of the two branches answers.
const INSERT_EVENT = `
WITH inserted AS (
  INSERT INTO complaint_events (position, provider, notification_id, merchant_no, complaint_id, action_type, provider_time, received_at)
  VALUES (nextval('complaint_event_positions'), $1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (provider, notification_id) DO NOTHING
  RETURNING position
)
SELECT position, true AS fresh FROM inserted
UNION ALL
SELECT position, false AS fresh FROM complaint_events
WHERE provider = $1 AND notification_id = $2 AND NOT EXISTS (SELECT 1 FROM inserted)`;

const PAGE_OF_ALL = `SELECT ${COLUMNS} FROM complaint_events WHERE position > $1 ORDER BY position LIMIT $2`;

/**
 * One index range per merchant (provider, merchant_no, position), merged: a page for a rarely active
 * merchant reads its few rows, not everyone's. Each merchant is its own subquery with its values
 * bound (pg plans an unnamed statement with them), so the planner sees how rare the merchant is; a
 * LATERAL join over the list hides that and lets it walk the primary key and filter instead.
 * Exported for the test that checks the plan.
 */
export function pageOfMerchants(merchants: readonly MerchantKey[], after: string, limit: number): { text: string; values: (string | number)[] } {
  const parts = merchants.map(
    (_, i) =>
      `(SELECT ${COLUMNS} FROM complaint_events WHERE provider = $${2 * i + 3} AND merchant_no = $${2 * i + 4} AND position > $1 ORDER BY position LIMIT $2)`,
  );
  return {
    text: `SELECT * FROM (${parts.join(' UNION ALL ')}) AS page ORDER BY position LIMIT $2`,
    values: [after, limit, ...merchants.flatMap((m) => [m.provider, m.merchantNo])],
  };
}

interface EventRow extends StoredEventColumns {
  position: string;
}

function toEntry(row: EventRow): EventLogEntry {
  return entryFromColumns(CURSOR_TAG, row.position, row);
}

// The cause is kept (non-enumerable, GatewayError) for a developer; the message names no URL.
function unavailable(error: unknown): EventLogError {
  return error instanceof EventLogError ? error : new EventLogError('The PostgreSQL event log failed', { cause: error });
}

/** Shared mode on PostgreSQL: durable, for several gateway instances. */
export interface PostgresEventLogConfig {
  store: 'postgres';
  /** postgres://[user[:password]@]host[:port]/database[?options] */
  url: string;
  /** Opening a connection, and waiting for a free one, gives up after this; default 2000. */
  connectTimeoutMs?: number;
  /** Per-statement limit (server-side, and client-side for a dead server); default 3000. */
  statementTimeoutMs?: number;
  /** Connections per instance; default 10. */
  poolSize?: number;
  /** What `prune` keeps (the config's retentionDays); default 90 days. */
  retentionMs?: number;
}

/**
 * Event log in PostgreSQL, shared by every gateway instance configured with the same database.
 * The schema is created and migrated at start; an acknowledged append is committed (durable as
 * PostgreSQL is with its default `synchronous_commit = on`).
 */
export async function createPostgresEventLog(config: PostgresEventLogConfig) {
  const { url, connectTimeoutMs = 2000, statementTimeoutMs = 3000, poolSize = 10, retentionMs = DEFAULT_RETENTION_MS } = config;
  // pg's own parse errors may quote the URL (and its password): check it here and say only that.
  try {
    new URL(url);
  } catch {
    throw new EventLogError('The PostgreSQL event log URL is not a valid URL');
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // The client-side limit catches a server that stopped answering (no error ever comes back).
    query_timeout: statementTimeoutMs + 1000,
    // A session that dies mid-append must not hold the append lock for long: the server ends it.
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    keepAlive: true,
    // Appends send their whole transaction at once (appendGroup); other work awaits each statement.
    pipeline: true,
    application_name: 'complaint-gateway event log',
  });
  // A dropped idle connection is replaced on next use; the pool only reports it here.
  pool.on('error', () => undefined);
  // A connection dropped while checked out and between statements emits on its client, where no one
  // listens (an uncaught exception); the statement in flight, or the next, fails and the transaction
  // ends the connection anyway.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });

  /** Runs `work` in one transaction on one connection; a connection that failed is ended, not reused. */
  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // Ending the connection rolls the transaction back on the server; a ROLLBACK sent to a server
      // that stopped answering would only wait for its own timeout.
      client.release(true);
      throw error;
    }
  }

  try {
    await transaction(migrate);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error instanceof EventLogError ? error : new EventLogError('The PostgreSQL event log could not be opened', { cause: error });
  }

  const operations = trackOperations(unavailable);
  const tracked = <T>(operation: () => Promise<T>): Promise<T> => operations.track(operation);

  /*
   * Group commit: the appends that arrive while this instance's transaction holds the append lock
   * wait, then share the next transaction and its one commit (appends serialise on the lock anyway,
   * so more transactions would only queue). Each append's events still commit together or not at
   * all; a failed transaction fails every append in it (each caller answers 5xx, the provider redelivers).
   */
  interface WaitingAppend {
    events: readonly ComplaintEvent[];
    resolve: (result: AppendResult) => void;
    reject: (error: unknown) => void;
  }
  const waiting: WaitingAppend[] = [];
  let committing = false;

  function commitWaiting(): void {
    if (committing || waiting.length === 0) return;
    committing = true;
    const group = waiting.splice(0, MAX_GROUP);
    void appendGroup(group.map((append) => append.events))
      .then(
        (results) => {
          for (const [i, append] of group.entries()) append.resolve({ entries: results[i] ?? [] });
        },
        (error: unknown) => {
          for (const append of group) append.reject(unavailable(error));
        },
      )
      .finally(() => {
        committing = false;
        commitWaiting();
      });
  }

  /**
   * One transaction for a group of appends, pipelined: every statement is sent at once (the
   * connection is in pipeline mode), so an append costs one round trip and one commit. The server
   * still runs them in order, and a statement that fails aborts the transaction: every later one
   * fails too, and COMMIT answers ROLLBACK, which counts as a failure.
   */
  async function appendGroup(groups: readonly (readonly ComplaintEvent[])[]): Promise<AppendedEntry[][]> {
    const client = await pool.connect();
    const begin = [client.query('BEGIN'), client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK])];
    const inserts = groups.map((events) => events.map((event) => client.query<InsertedRow>(INSERT_EVENT, insertParams(event))));
    const commit = client.query('COMMIT');
    const outcomes = await Promise.allSettled([...begin, ...inserts.flat(), commit]);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    const committed = await commit.then((result) => result.command === 'COMMIT').catch(() => false);
    if (failure !== undefined || !committed) {
      // Ending the connection settles whatever state the server is in.
      client.release(true);
      throw failure?.reason ?? new EventLogError('The append transaction was rolled back');
    }
    client.release();
    return Promise.all(
      groups.map((events, i) =>
        Promise.all(
          events.map(async (event, j) => {
            const row = (await inserts[i]?.[j])?.rows[0];
            if (row === undefined) throw new EventLogError('A conflicting event vanished inside the transaction');
            return { cursor: encodeCursor(CURSOR_TAG, row.position), event, duplicate: !row.fresh };
          }),
        ),
      ),
    );
  }

  /** One batch, one transaction; instances pruning at once delete the same rows, harmlessly. */
  function pruneBatch(now: Date): Promise<{ removed: number; more: boolean }> {
    return transaction(async (client) => {
      const { rows } = await client.query<{ position: string; received_at: string }>(
        'SELECT position, received_at FROM complaint_events ORDER BY position LIMIT $1',
        [PRUNE_BATCH],
      );
      const removed = prunablePrefix(
        rows.map((row) => row.received_at),
        now,
        retentionMs,
      );
      const last = rows[removed - 1];
      if (last !== undefined) {
        await client.query('DELETE FROM complaint_events WHERE position <= $1', [last.position]);
        await client.query(
          'INSERT INTO complaint_events_pruned (up_to) VALUES ($1) ON CONFLICT (id) DO UPDATE SET up_to = greatest(complaint_events_pruned.up_to, excluded.up_to)',
          [last.position],
        );
      }
      return { removed, more: removed === PRUNE_BATCH };
    });
  }

  return {
    async append(events: readonly ComplaintEvent[]): Promise<AppendResult> {
      checkEvents(events);
      if (events.length === 0) return { entries: [] };
      return tracked(
        () =>
          new Promise<AppendResult>((resolve, reject) => {
            waiting.push({ events, resolve, reject });
            commitWaiting();
          }),
      );
    },

    async list(query: ListEventsQuery): Promise<EventPage> {
      const merchants = checkListQuery(query);
      const after = query.after === undefined ? '0' : decodeCursor(CURSOR_TAG, query.after, CURSOR_POSITION);
      if (merchants?.length === 0) return { entries: [], hasNextPage: false };
      const limit = query.first + 1;
      const page = await tracked(async () => {
        const { rows } =
          merchants === undefined
            ? await pool.query<EventRow>(PAGE_OF_ALL, [after, limit])
            : await pool.query<EventRow>(pageOfMerchants(merchants, after, limit));
        // Read after the page: a prune committed before the page read is seen here, so no page
        // silently skips pruned entries (one committed in between expires the cursor a little early).
        const watermark = query.after === undefined ? [] : (await pool.query<{ up_to: string }>('SELECT up_to FROM complaint_events_pruned')).rows;
        return { rows, prunedUpTo: BigInt(watermark[0]?.up_to ?? '0') };
      });
      if (BigInt(after) < page.prunedUpTo) throw new EventCursorExpiredError();
      return { entries: page.rows.slice(0, query.first).map(toEntry), hasNextPage: page.rows.length > query.first };
    },

    async prune(now = new Date()): Promise<{ removed: number }> {
      if (operations.closed) throw new EventLogError('The event log is closed');
      let removed = 0;
      // One batch per transaction: an append waits for one batch's row locks at most. Closing stops it between batches.
      while (!operations.closed) {
        const batch = await tracked(() => pruneBatch(now));
        removed += batch.removed;
        if (!batch.more) break;
      }
      return { removed };
    },

    async check(): Promise<void> {
      await tracked(() => pool.query('SELECT 1'));
    },

    async close() {
      if (operations.closed) return;
      await operations.close();
      await pool.end();
    },
  };
}

interface InsertedRow {
  position: string;
  fresh: boolean;
}

function insertParams(event: ComplaintEvent): (string | null)[] {
  const { provider, merchantNo, complaintId } = event.complaint;
  return [provider, event.notificationId, merchantNo, complaintId, event.actionType, event.providerTime, event.receivedAt];
}

/**
 * Brings the schema to the newest version, in the caller's transaction. The advisory lock makes
 * instances starting together take turns: the second finds the work done.
 */
async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await client.query('CREATE TABLE IF NOT EXISTS complaint_event_log_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM complaint_event_log_migrations');
  const current = rows[0]?.version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new EventLogError(`The PostgreSQL event log's schema (version ${current}) is newer than this gateway knows (${MIGRATIONS.length})`);
  }
  for (const [index, sql] of MIGRATIONS.entries()) {
    if (index + 1 <= current) continue;
    await client.query(sql);
    await client.query('INSERT INTO complaint_event_log_migrations (version) VALUES ($1)', [index + 1]);
  }
}
