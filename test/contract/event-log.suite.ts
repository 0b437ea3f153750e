import { afterEach, describe, expect, it } from 'vitest';
import type { MerchantKey } from '../../src/domain/complaint-key.js';
import { ValidationError, type ProviderName } from '../../src/domain/errors.js';
import type { ComplaintEvent } from '../../src/domain/events.js';
import type { EventLog } from '../../src/events/event-log.js';
import { EventCursorExpiredError, EventLogError } from '../../src/events/event-log-error.js';
import type { EventLogEntry } from '../../src/events/event-log-entry.js';

/** A fresh, empty storage place (a file, a key prefix); `open` may be called many times on it. */
export interface EventLogStore {
  open(): Promise<EventLog>;
  dispose(): Promise<void>;
}

const ALICE: MerchantKey = { provider: 'WECHAT_PAY', merchantNo: '1900000001' };
const BOB: MerchantKey = { provider: 'WECHAT_PAY', merchantNo: '1900000002' };
const CAROL: MerchantKey = { provider: 'HUISHOUQIAN', merchantNo: 'HSQ0001' };

function event(id: string, merchant: MerchantKey = ALICE, provider: ProviderName = merchant.provider): ComplaintEvent {
  return {
    notificationId: id,
    complaint: { provider, merchantNo: merchant.merchantNo, complaintId: `c-${id}` },
    actionType: 'CREATE_COMPLAINT',
    providerTime: '2026-11-22T19:00:00+08:00',
    receivedAt: '2026-11-22T11:00:00.000Z',
  };
}

const ids = (entries: EventLogEntry[]): string[] => entries.map((e) => e.event.notificationId);

// Retention (default 90 days) seen from PRUNE_NOW: OLD is past the horizon, RECENT (event()'s own) is not.
const PRUNE_NOW = new Date('2026-12-01T00:00:00.000Z');
const OLD = '2026-08-01T00:00:00.000Z';
const old = (id: string, merchant: MerchantKey = ALICE): ComplaintEvent => ({ ...event(id, merchant), receivedAt: OLD });

/** Pages through the whole log with small pages, as a polling client would. */
async function readAll(log: EventLog, first: number, merchants?: MerchantKey[], from?: string): Promise<EventLogEntry[]> {
  const seen: EventLogEntry[] = [];
  let after = from;
  for (;;) {
    const page = await log.list({ first, ...(after === undefined ? {} : { after }), ...(merchants ? { merchants } : {}) });
    seen.push(...page.entries);
    expect(page.entries.length).toBeLessThanOrEqual(first);
    const last = page.entries.at(-1);
    if (last !== undefined) after = last.cursor;
    if (!page.hasNextPage) return seen;
    expect(page.entries.length).toBe(first);
  }
}

/** Deterministic pseudo-random numbers, so a failing run can be replayed. */
function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** 1,000 deliveries of which 15 % repeat an earlier notification, as provider retries do. */
function deliveries(count: number, duplicateShare: number, seed: number): { sequence: string[]; unique: string[] } {
  const random = createRandom(seed);
  const sequence: string[] = [];
  const unique: string[] = [];
  for (let i = 0; i < count; i++) {
    if (unique.length > 0 && random() < duplicateShare) {
      sequence.push(unique[Math.floor(random() * unique.length)] ?? '');
    } else {
      const id = `n-${String(i).padStart(5, '0')}`;
      unique.push(id);
      sequence.push(id);
    }
  }
  return { sequence, unique };
}

export function eventLogSuite(name: string, createStore: () => Promise<EventLogStore>): void {
  describe(`EventLog contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function store(): Promise<EventLogStore> {
      const s = await createStore();
      cleanups.push(() => s.dispose());
      return s;
    }
    async function open(s: EventLogStore): Promise<EventLog> {
      const log = await s.open();
      cleanups.push(() => log.close());
      return log;
    }

    it('lists appended events in arrival order with cursors that resume behind an entry', async () => {
      const log = await open(await store());
      const appended = await log.append([event('a'), event('b')]);
      await log.append([event('c')]);
      expect(appended.entries.map((e) => e.duplicate)).toEqual([false, false]);

      const page1 = await log.list({ first: 2 });
      expect(ids(page1.entries)).toEqual(['a', 'b']);
      expect(page1.hasNextPage).toBe(true);
      expect(page1.entries[0]?.event).toEqual(event('a'));
      expect(page1.entries.map((e) => e.cursor)).toEqual(appended.entries.map((e) => e.cursor));

      const page2 = await log.list({ first: 2, after: page1.entries[1]?.cursor ?? '' });
      expect(ids(page2.entries)).toEqual(['c']);
      expect(page2.hasNextPage).toBe(false);

      const end = await log.list({ first: 5, after: page2.entries[0]?.cursor ?? '' });
      expect(end).toEqual({ entries: [], hasNextPage: false });
      expect(await log.list({ first: 0 })).toEqual({ entries: [], hasNextPage: true });
    });

    it('stores a notification once however often it is appended, and reports the stored cursor', async () => {
      const log = await open(await store());
      const first = await log.append([event('x')]);
      const again = await log.append([event('x'), event('y')]);
      const inOneBatch = await log.append([event('z'), event('z')]);

      expect(again.entries.map((e) => e.duplicate)).toEqual([true, false]);
      expect(again.entries[0]?.cursor).toBe(first.entries[0]?.cursor);
      expect(inOneBatch.entries.map((e) => e.duplicate)).toEqual([false, true]);
      expect(inOneBatch.entries[1]?.cursor).toBe(inOneBatch.entries[0]?.cursor);
      expect(ids(await readAll(log, 10))).toEqual(['x', 'y', 'z']);
    });

    it('stores only the event fields of what it is given', async () => {
      const log = await open(await store());
      const extended = { ...event('wide'), payerPhone: '13800000000', complaint: { ...event('wide').complaint, extra: 1 } };
      await log.append([extended]);
      expect((await log.list({ first: 1 })).entries[0]?.event).toEqual(event('wide'));
    });

    it('keeps the same notification id of two providers apart', async () => {
      const log = await open(await store());
      const result = await log.append([event('same', ALICE), event('same', CAROL)]);
      expect(result.entries.map((e) => e.duplicate)).toEqual([false, false]);
      expect((await readAll(log, 10)).map((e) => e.event.complaint.provider)).toEqual(['WECHAT_PAY', 'HUISHOUQIAN']);
    });

    it('writes nothing when one event of a batch is malformed', async () => {
      const log = await open(await store());
      await expect(log.append([event('ok'), event('')])).rejects.toBeInstanceOf(ValidationError);
      await expect(log.append([{ ...event('ok'), actionType: '' }])).rejects.toBeInstanceOf(ValidationError);
      expect(await log.list({ first: 10 })).toEqual({ entries: [], hasNextPage: false });
    });

    it('stores one entry per notification when one instance gets many concurrent appends', async () => {
      const log = await open(await store());
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => log.append([event(`c-${i % 12}`), event(`d-${i % 5}`, BOB)])));
      const stored = await readAll(log, 100);
      expect(stored).toHaveLength(17);
      expect(new Set(ids(stored)).size).toBe(17);
      const fresh = results.flatMap((r) => r.entries).filter((e) => !e.duplicate);
      expect(fresh.map((e) => e.cursor).sort()).toEqual(stored.map((e) => e.cursor).sort());
    });

    it('stores one entry when two instances append the same notifications concurrently', async () => {
      const s = await store();
      const [one, two] = [await open(s), await open(s)];
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).append([event(`dup-${i % 10}`)])));
      const stored = await readAll(one, 7);
      expect(ids(stored).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `dup-${i}`));
      expect(results.filter((r) => r.entries[0]?.duplicate === false)).toHaveLength(10);
      // Every instance's answer names the one stored entry.
      for (const result of results) {
        const entry = result.entries[0];
        expect(stored.find((e) => e.cursor === entry?.cursor)?.event.notificationId).toBe(entry?.event.notificationId);
      }
      expect(ids(await readAll(two, 3))).toEqual(ids(stored));
    });

    it('holds 1,000 deliveries with 15 % duplicates from two instances and a restart exactly once, in order', async () => {
      const s = await store();
      const { sequence, unique } = deliveries(1000, 0.15, 7);
      expect(sequence.length - unique.length).toBeGreaterThan(100);
      let one = await s.open();
      const two = await open(s);
      let cursorBeforeRestart = '';
      for (const [i, id] of sequence.entries()) {
        const result = await (i % 2 === 0 ? one : two).append([event(id, i % 3 === 0 ? BOB : ALICE)]);
        if (i === 499) {
          cursorBeforeRestart = result.entries[0]?.cursor ?? '';
          await one.close();
          one = await s.open();
        }
      }
      cleanups.push(() => one.close());

      const stored = ids(await readAll(one, 500));
      expect(stored).toEqual(unique);
      const polled = ids(await readAll(two, 7));
      expect(polled).toEqual(unique);

      const rest = ids(await readAll(one, 7, undefined, cursorBeforeRestart));
      const position = unique.indexOf(sequence[499] ?? '');
      expect(rest).toEqual(unique.slice(position + 1));
    });

    it('lets a poller paging with first=7 see every event exactly once, in order, while writers append', async () => {
      const s = await store();
      const [writerA, writerB, reader] = [await open(s), await open(s), await open(s)];
      const { sequence, unique } = deliveries(300, 0.15, 11);
      let writing = true;
      const writers = (async () => {
        await Promise.all(
          [writerA, writerB].map(async (writer, w) => {
            for (let i = w; i < sequence.length; i += 2) await writer.append([event(sequence[i] ?? '')]);
          }),
        );
        writing = false;
      })();

      const polled: EventLogEntry[] = [];
      let after: string | undefined;
      for (;;) {
        const done = !writing;
        const page = await reader.list({ first: 7, ...(after === undefined ? {} : { after }) });
        polled.push(...page.entries);
        after = page.entries.at(-1)?.cursor ?? after;
        if (done && !page.hasNextPage) break;
        if (!page.hasNextPage) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await writers;

      expect(ids(polled).sort()).toEqual([...unique].sort());
      expect(ids(polled)).toEqual(ids(await readAll(reader, 100)));
    });

    it('keeps cursors valid across a restart of every instance', async () => {
      const s = await store();
      const before = await s.open();
      await before.append(['r1', 'r2', 'r3'].map((id) => event(id)));
      const page = await before.list({ first: 2 });
      await before.close();

      const after = await open(s);
      await after.append([event('r4'), event('r2')]);
      const resumed = await after.list({ first: 10, after: page.entries[1]?.cursor ?? '' });
      expect(ids(resumed.entries)).toEqual(['r3', 'r4']);
      expect(ids((await after.list({ first: 10, after: page.entries[0]?.cursor ?? '' })).entries)).toEqual(['r2', 'r3', 'r4']);
    });

    it('filters by merchant, in arrival order, with cursors shared with the unfiltered feed', async () => {
      const log = await open(await store());
      const sequence: [string, MerchantKey][] = [
        ['m1', ALICE],
        ['m2', BOB],
        ['m3', CAROL],
        ['m4', ALICE],
        ['m5', CAROL],
        ['m6', BOB],
        ['m7', ALICE],
      ];
      for (const [id, merchant] of sequence) await log.append([event(id, merchant)]);

      expect(ids(await readAll(log, 2, [ALICE, CAROL]))).toEqual(['m1', 'm3', 'm4', 'm5', 'm7']);
      expect(ids(await readAll(log, 1, [BOB, BOB]))).toEqual(['m2', 'm6']);
      expect(await log.list({ first: 10, merchants: [] })).toEqual({ entries: [], hasNextPage: false });
      expect((await log.list({ first: 10, merchants: [{ provider: 'HUISHOUQIAN', merchantNo: '1900000001' }] })).entries).toEqual([]);

      const unfiltered = await log.list({ first: 2 });
      const resumed = await log.list({ first: 10, after: unfiltered.entries[1]?.cursor ?? '', merchants: [ALICE] });
      expect(ids(resumed.entries)).toEqual(['m4', 'm7']);
    });

    it('rejects malformed cursors and page sizes with ValidationError', async () => {
      const log = await open(await store());
      const { entries } = await log.append([event('v')]);
      const good = entries[0]?.cursor ?? '';
      const bad = [
        '',
        'not a cursor',
        'Zm9v',
        Buffer.from('s1:-1').toString('base64url'),
        Buffer.from('r1:abc').toString('base64url'),
        Buffer.from('s1:99999999999999999999').toString('base64url'),
        Buffer.from('r1:99999999999999999999-0').toString('base64url'),
        `${good}=`,
        `${good}!`,
        'x'.repeat(200),
      ];
      for (const after of bad) {
        const error: unknown = await log.list({ first: 1, after }).catch((e: unknown) => e);
        expect(error, after).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe('after');
      }
      for (const first of [-1, 1.5, Number.NaN, 501]) {
        await expect(log.list({ first })).rejects.toBeInstanceOf(ValidationError);
      }
    });

    it('prunes the entries older than the retention with their dedupe records, and keeps the newer ones', async () => {
      const log = await open(await store());
      await log.append([old('o1'), old('o2', BOB)]);
      await log.append([old('o3', CAROL)]);
      await log.append([event('n1'), event('n2', CAROL)]);

      expect(await log.prune(PRUNE_NOW)).toEqual({ removed: 3 });
      expect(ids(await readAll(log, 1))).toEqual(['n1', 'n2']);
      expect(ids(await readAll(log, 5, [BOB]))).toEqual([]);
      expect(ids(await readAll(log, 5, [ALICE, CAROL]))).toEqual(['n1', 'n2']);
      expect(await log.prune(PRUNE_NOW)).toEqual({ removed: 0 });

      // Its dedupe record went with it: past the horizon no provider retries, so the same id again is a
      // new delivery (a replay) and is stored again, behind the newer entries.
      const again = await log.append([old('o1')]);
      expect(again.entries[0]?.duplicate).toBe(false);
      expect(ids(await readAll(log, 5))).toEqual(['n1', 'n2', 'o1']);
      // Pruning removes a prefix in arrival order: an old entry behind a newer one waits.
      expect(await log.prune(PRUNE_NOW)).toEqual({ removed: 0 });
      const young = await log.append([event('n1')]);
      expect(young.entries[0]?.duplicate).toBe(true);
    });

    it('refuses a cursor below the watermark with EventCursorExpiredError, and pages on from one at or after it', async () => {
      const log = await open(await store());
      const stale = await log.append([old('o1'), old('o2', BOB), old('o3')]);
      const fresh = await log.append([event('n1'), event('n2', BOB), event('n3')]);
      const cursor = (result: typeof stale, i: number): string => result.entries[i]?.cursor ?? '';
      // Nothing pruned yet: every cursor works.
      expect(ids((await log.list({ first: 10, after: cursor(stale, 0) })).entries)).toEqual(['o2', 'o3', 'n1', 'n2', 'n3']);
      await log.prune(PRUNE_NOW);

      for (const query of [{ first: 10 }, { first: 10, merchants: [BOB] }]) {
        for (const after of [cursor(stale, 0), cursor(stale, 1)]) {
          const error: unknown = await log.list({ ...query, after }).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(EventCursorExpiredError);
          expect(error).toMatchObject({ code: 'EVENT_CURSOR_EXPIRED', message: expect.stringContaining('without `after`') });
        }
      }
      // The last pruned position is the watermark: a poller that had read it misses nothing.
      expect(ids(await readAll(log, 2, undefined, cursor(stale, 2)))).toEqual(['n1', 'n2', 'n3']);
      expect(ids(await readAll(log, 1, [BOB], cursor(stale, 2)))).toEqual(['n2']);
      expect(ids(await readAll(log, 1, undefined, cursor(fresh, 0)))).toEqual(['n2', 'n3']);
      expect(ids(await readAll(log, 2))).toEqual(['n1', 'n2', 'n3']);
    });

    it('loses no append made while pruning runs, across several batches and two instances', async () => {
      const s = await store();
      const [one, two] = [await open(s), await open(s)];
      const stale = Array.from({ length: 1100 }, (_, i) => old(`o-${i}`, i % 2 === 0 ? ALICE : BOB));
      for (let i = 0; i < stale.length; i += 100) await one.append(stale.slice(i, i + 100));

      const appends = Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).append([event(`new-${i}`, i % 3 === 0 ? BOB : ALICE)])));
      const [pruned, results] = await Promise.all([two.prune(PRUNE_NOW), appends]);

      expect(pruned.removed).toBe(1100);
      const stored = await readAll(one, 7);
      expect(ids(stored).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `new-${i}`).sort());
      expect(results.map((r) => r.entries[0]?.duplicate)).toEqual(Array(40).fill(false));
      expect(results.map((r) => r.entries[0]?.cursor).sort()).toEqual(stored.map((e) => e.cursor).sort());
      expect(ids(await readAll(two, 7, [BOB]))).toEqual(ids(stored).filter((id) => Number(id.slice(4)) % 3 === 0));
    });

    it('ends a running prune after its current batch when closed, leaving a consistent log', async () => {
      const s = await store();
      const log = await s.open();
      const stale = Array.from({ length: 1100 }, (_, i) => old(`o-${i}`));
      for (let i = 0; i < stale.length; i += 100) await log.append(stale.slice(i, i + 100));
      const pruning = log.prune(PRUNE_NOW);
      await log.close();
      const { removed } = await pruning;
      expect(removed).toBeGreaterThan(0);
      expect(removed).toBeLessThan(1100);

      const reopened = await open(s);
      const left = ids(await readAll(reopened, 500));
      expect(left).toEqual(stale.slice(removed).map((e) => e.notificationId));
      expect(await reopened.prune(PRUNE_NOW)).toEqual({ removed: 1100 - removed });
    });

    it('keeps the watermark across a restart', async () => {
      const s = await store();
      const before = await s.open();
      const appended = await before.append([old('o1'), old('o2'), event('n1')]);
      await before.prune(PRUNE_NOW);
      await before.close();

      const after = await open(s);
      await expect(after.list({ first: 5, after: appended.entries[0]?.cursor ?? '' })).rejects.toBeInstanceOf(EventCursorExpiredError);
      expect(ids((await after.list({ first: 5, after: appended.entries[1]?.cursor ?? '' })).entries)).toEqual(['n1']);
    });

    it('refuses work after close', async () => {
      const s = await store();
      const log = await s.open();
      await log.close();
      await expect(log.append([event('late')])).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    });

    it('passes a readiness check while open, and fails it with EventLogError once closed', async () => {
      const s = await store();
      const log = await s.open();
      await expect(log.check()).resolves.toBeUndefined();
      await log.close();
      await expect(log.check()).rejects.toBeInstanceOf(EventLogError);
    });
  });
}
