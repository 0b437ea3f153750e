import { afterAll, describe, expect, it } from 'vitest';
import type { ComplaintEvent } from '../../../src/domain/events.js';
import { createEventLog } from '../../../src/events/event-log.js';
import { APPEND_LOCK, pageOfMerchants } from '../../../src/events/postgres-event-log.js';
import { postgresOrReason, postgresUrl } from '../../helpers/postgres.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';
import { eventLogSuite } from '../../contract/event-log.suite.js';

const connection = await postgresOrReason('event-log.postgres tests');

function event(id: string, merchantNo = '1900000001'): ComplaintEvent {
  return {
    notificationId: id,
    complaint: { provider: 'WECHAT_PAY', merchantNo, complaintId: `c-${id}` },
    actionType: 'CREATE_COMPLAINT',
    providerTime: null,
    receivedAt: '2026-11-22T11:00:00.000Z',
  };
}

describe.skipIf('reason' in connection)('PostgreSQL event log', () => {
  const admin = 'admin' in connection ? connection.admin : undefined;
  afterAll(async () => {
    await admin?.close();
  });

  eventLogSuite('postgres', async () => {
    const url = (await admin?.createDatabase('event_log')) ?? '';
    return {
      open: () => createEventLog({ store: 'postgres', url }),
      dispose: async () => undefined,
    };
  });

  it('creates its schema once when several instances start together, and records the version', async () => {
    const url = (await admin?.createDatabase('migrate')) ?? '';
    const logs = await Promise.all(Array.from({ length: 4 }, () => createEventLog({ store: 'postgres', url })));
    await logs[0]?.append([event('m1')]);
    expect((await logs[3]?.list({ first: 5 }))?.entries.map((e) => e.event.notificationId)).toEqual(['m1']);
    await Promise.all(logs.map((log) => log.close()));
    const versions = await admin?.query<{ version: number }>(url, 'SELECT version FROM complaint_event_log_migrations ORDER BY version');
    expect(versions?.map((row) => row.version)).toEqual([1]);
  });

  it('refuses a schema newer than it knows, without touching it', async () => {
    const url = (await admin?.createDatabase('newer')) ?? '';
    await (await createEventLog({ store: 'postgres', url })).close();
    await admin?.query(url, 'INSERT INTO complaint_event_log_migrations (version) VALUES (999)');
    await expect(createEventLog({ store: 'postgres', url })).rejects.toMatchObject({
      code: 'EVENT_LOG_UNAVAILABLE',
      message: expect.stringContaining('version 999'),
    });
  });

  it('hands out positions in commit order: an append waiting for another commits behind it', async () => {
    const url = (await admin?.createDatabase('order')) ?? '';
    const log = await createEventLog({ store: 'postgres', url });
    // Another session holds the append lock (as a slow instance mid-append would).
    const pg = await import('pg');
    const blocker = new pg.default.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const waiting = log.append([event('late')]);
    // Until the lock is released nothing is visible, so no reader can move past a position still to commit.
    const deadline = Date.now() + 5000;
    let seenWaiting = false;
    while (!seenWaiting && Date.now() < deadline) {
      const rows = await admin?.query<{ n: string }>(url, "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      seenWaiting = rows?.[0]?.n !== '0';
    }
    expect(seenWaiting).toBe(true);
    expect((await log.list({ first: 5 })).entries).toEqual([]);
    await blocker.query('COMMIT');
    await blocker.end();
    const [stored] = (await waiting).entries;
    expect((await log.list({ first: 5 })).entries.map((e) => e.cursor)).toEqual([stored?.cursor]);
    await log.close();
  });

  it('reads a merchant-filtered page from that merchant’s index range only', async () => {
    const url = (await admin?.createDatabase('filtered')) ?? '';
    const log = await createEventLog({ store: 'postgres', url });
    await log.append([event('busy-first', '1900000002')]);
    await admin?.query(
      url,
      `INSERT INTO complaint_events (position, provider, notification_id, merchant_no, complaint_id, action_type, received_at)
       SELECT nextval('complaint_event_positions'), 'WECHAT_PAY', 'busy-' || n, '1900000002', 'c', 'CREATE_COMPLAINT', 'x' FROM generate_series(1, 2000) AS n`,
    );
    await log.append([event('quiet-1'), event('quiet-2')]);
    await admin?.query(url, 'ANALYZE complaint_events');
    const page = await log.list({ first: 10, merchants: [{ provider: 'WECHAT_PAY', merchantNo: '1900000001' }] });
    expect(page.entries.map((e) => e.event.notificationId)).toEqual(['quiet-1', 'quiet-2']);
    // The same statement under EXPLAIN: the busy merchant's 2,000 rows are never read.
    const { text: sql, values } = pageOfMerchants([{ provider: 'WECHAT_PAY', merchantNo: '1900000001' }], '0', 11);
    const [plan] = (await admin?.query<{ 'QUERY PLAN': unknown }>(url, `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values)) ?? [];
    const text = JSON.stringify(plan?.['QUERY PLAN']);
    expect(text).toContain('complaint_events_by_merchant');
    expect(text).not.toContain('Seq Scan');
    expect(text).not.toMatch(/"Rows Removed by Filter":[1-9]/);
    await log.close();
  });

  it('fails with EventLogError, quickly and without the URL, when the server is not there', async () => {
    const url = 'postgres://gateway:s3cret-password@127.0.0.1:1/events';
    const error: unknown = await createEventLog({ store: 'postgres', url, connectTimeoutMs: 500 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    expect(String((error as Error).message)).not.toContain('s3cret');
    expect(String((error as Error).message)).not.toContain('127.0.0.1');
  });

  it('fails with EventLogError when the database does not exist or the URL is not one', async () => {
    for (const url of [postgresUrl('no_such_database_for_the_gateway'), 'postgres://user:p@ss:word@[bad']) {
      const error: unknown = await createEventLog({ store: 'postgres', url }).catch((caught: unknown) => caught);
      expect(error, url).toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
      expect((error as Error).message).not.toContain('p@ss');
    }
  });

  it('fails appends, reads and checks with EventLogError while the server stops answering, then recovers', async () => {
    const url = (await admin?.createDatabase('blackhole')) ?? '';
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 }, 'postgres');
    try {
      const viaProxy = new URL(url);
      viaProxy.port = new URL(proxy.url).port;
      const log = await createEventLog({ store: 'postgres', url: viaProxy.href, connectTimeoutMs: 300, statementTimeoutMs: 300 });
      await log.append([event('before')]);
      proxy.setMode('blackhole');
      // Neither an open connection (the client-side limit) nor a new one (the connect limit) hangs.
      await expect(log.append([event('lost')])).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
      await expect(log.list({ first: 5 })).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
      await expect(log.check()).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
      proxy.setMode('pass');
      await log.append([event('after')]);
      await log.check();
      expect((await log.list({ first: 5 })).entries.map((e) => e.event.notificationId)).toEqual(['before', 'after']);
      await log.close();
    } finally {
      await proxy.close();
    }
  });

  it('fails an append on a statement that outlives its limit, then works again', async () => {
    const url = (await admin?.createDatabase('timeout')) ?? '';
    const log = await createEventLog({ store: 'postgres', url, statementTimeoutMs: 300 });
    const pg = await import('pg');
    const blocker = new pg.default.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    await expect(log.append([event('blocked')])).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await log.list({ first: 5 })).entries).toEqual([]);
    await log.append([event('blocked')]);
    expect((await log.list({ first: 5 })).entries.map((e) => e.event.notificationId)).toEqual(['blocked']);
    await log.close();
  });
});
