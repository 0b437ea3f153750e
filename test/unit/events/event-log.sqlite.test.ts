import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../../../src/events/event-log.js';
import { eventLogSuite } from '../../contract/event-log.suite.js';

let dir = '';
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'event-log-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

eventLogSuite('sqlite', async () => {
  const path = join(dir, `events-${++files}.sqlite`);
  return {
    open: () => createEventLog({ store: 'sqlite', path }),
    dispose: async () => undefined,
  };
});

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

describe('SQLite event log', () => {
  it('fails every append of a group when another process holds the write lock, storing nothing, then recovers', async () => {
    const path = join(dir, 'locked.sqlite');
    const log = await createEventLog({ store: 'sqlite', path, busyTimeoutMs: 50 });
    const other = new sqlite3.Database(path);
    await exec(other, 'BEGIN IMMEDIATE');

    const event = (id: string) => ({
      notificationId: id,
      complaint: { provider: 'WECHAT_PAY' as const, merchantNo: '1900000001', complaintId: '1' },
      actionType: 'CREATE_COMPLAINT',
      providerTime: null,
      receivedAt: '2026-11-22T11:00:00.000Z',
    });
    const outcomes = await Promise.allSettled(['l1', 'l2', 'l3'].map((id) => log.append([event(id)])));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    }

    await exec(other, 'ROLLBACK');
    await new Promise<void>((resolve) => other.close(() => resolve()));
    expect((await log.list({ first: 10 })).entries).toEqual([]);
    await log.append([event('l2')]);
    expect((await log.list({ first: 10 })).entries.map((e) => e.event.notificationId)).toEqual(['l2']);
    await log.close();
  });

  it('makes the folder of a new event log, and names the path when it cannot open one', async () => {
    const nested = join(dir, 'data', 'gateway', 'events.sqlite');
    const log = await createEventLog({ store: 'sqlite', path: nested });
    await log.close();
    expect((await stat(nested)).isFile()).toBe(true);
    // A folder that cannot be made: a plain file stands where it should be.
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'x');
    const error = await createEventLog({ store: 'sqlite', path: join(blocker, 'events.sqlite') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE', message: expect.stringContaining(join(blocker, 'events.sqlite')) });
  });

  it('fails to open a directory or a file that is not a database with EventLogError', async () => {
    const notADatabase = join(dir, 'notes.txt');
    await writeFile(notADatabase, 'plain text, long enough to fill what SQLite reads as a header '.repeat(4));
    for (const path of [dir, notADatabase]) {
      await expect(createEventLog({ store: 'sqlite', path })).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    }
  });
});
