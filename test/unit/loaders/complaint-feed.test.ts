import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCacheStore } from '../../../src/cache/store.js';
import { addDays } from '../../../src/domain/local-date.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { createLoaders } from '../../../src/loaders/create-loaders.js';
import { readComplaintFeed, type FeedQuery } from '../../../src/loaders/complaint-feed.js';
import { decodeFeedCursor, encodeFeedCursor } from '../../../src/loaders/feed-cursor.js';
import { createProviderRegistry } from '../../../src/providers/registry.js';
import { createFakeProvider, makeComplaint } from '../../helpers/fake-provider.js';

const secret = createSecretKey(randomBytes(32));

describe('feed cursors', () => {
  const cursor = {
    f: 'abc',
    r: ['2026-01-01', '2026-03-01'] as [string, string],
    t: 1700000000000,
    k: ['WECHAT_PAY:1:2'],
    p: { 'WECHAT_PAY:1': [2, 40] as [number, number] },
  };

  it('round-trip and reject anything this gateway did not write', () => {
    expect(decodeFeedCursor(secret, encodeFeedCursor(secret, cursor))).toEqual(cursor);
    const bad = [
      '',
      '%%%',
      Buffer.from('null').toString('base64url'),
      Buffer.from(JSON.stringify(cursor)).toString('base64url'),
      encodeFeedCursor(secret, { ...cursor, k: [] }),
      encodeFeedCursor(secret, { ...cursor, t: 1.5 }),
      encodeFeedCursor(secret, { ...cursor, r: ['2026-02-30', '2026-03-01'] }),
      encodeFeedCursor(secret, { ...cursor, p: { x: [-1, 0] } }),
      encodeFeedCursor(secret, { ...cursor, p: { x: [0, 1e12] } }),
      'A'.repeat(9000),
    ];
    for (const text of bad) expect(() => decodeFeedCursor(secret, text), text.slice(0, 40)).toThrow(ValidationError);
  });

  it('refuse a cursor signed with another key or altered after signing', () => {
    expect(() => decodeFeedCursor(secret, encodeFeedCursor(createSecretKey(randomBytes(32)), cursor))).toThrow(ValidationError);
    const [, mac] = encodeFeedCursor(secret, cursor).split('.');
    // The same MAC over a wider date range: the payload no longer matches its signature.
    const widened = Buffer.from(JSON.stringify({ ...cursor, r: ['2020-01-01', '2026-03-01'] })).toString('base64url');
    expect(() => decodeFeedCursor(secret, `${widened}.${mac}`)).toThrow(ValidationError);
  });
});

describe('readComplaintFeed', () => {
  it('resumes each source where the previous page stopped instead of rescanning its windows', async () => {
    const provider = createFakeProvider({ merchantNo: '1900000001', limits: { maxWindowDays: 10, maxListPageSize: 5 } });
    // 100 days, one complaint every other day: 10 windows of 10 days, 5 complaints each.
    for (let day = 0; day < 100; day += 2) {
      provider.add(makeComplaint({ ...provider.merchant, complaintId: `c${day}` }, `${addDays('2026-08-01', day)}T12:00:00+08:00`));
    }
    const registry = createProviderRegistry([provider]);
    const query: Omit<FeedQuery, 'after'> = {
      sources: [{ merchant: provider.merchant, limits: provider.limits }],
      range: { from: '2026-08-01', to: addDays('2026-08-01', 99) },
      filterHash: 'h',
      first: 4,
      matches: () => true,
      complaintId: null,
      outTradeNo: null,
      encodeCursor: (cursor) => encodeFeedCursor(secret, cursor),
    };
    const perPage: number[] = [];
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      // A fresh request and an empty cache each time: every list page read is an upstream call.
      const loaders = createLoaders({ registry, cache: createCacheStore({ kind: 'memory' }) });
      const before = provider.calls['listComplaints'] ?? 0;
      const page = await readComplaintFeed(loaders, { ...query, after: after === null ? null : decodeFeedCursor(secret, after) });
      perPage.push((provider.calls['listComplaints'] ?? 0) - before);
      seen.push(...page.edges.map((edge) => edge.complaint.key.complaintId));
      if (!page.hasNextPage) break;
      after = page.edges.at(-1)!.cursor;
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `c${98 - 2 * i}`));
    // At most the window being read and the next one (to know whether more exist), never all ten.
    expect(Math.max(...perPage)).toBeLessThanOrEqual(3);
  });
});

describe('readComplaintFeed by outTradeNo', () => {
  it('asks a source that can look an order up instead of listing, merges it with a scanned source, and pages by keyset', async () => {
    const looked = createFakeProvider({ provider: 'HUISHOUQIAN', merchantNo: '814000000002', limits: { maxWindowDays: 10, maxListPageSize: 5 } });
    const scanned = createFakeProvider({ merchantNo: '1900000002', limits: { maxWindowDays: 10, maxListPageSize: 5 } });
    const order = (outTradeNo: string) => ({ orders: [{ transactionId: null, outTradeNo, amount: 1 }] });
    const at = (day: number) => `${addDays('2026-08-01', day)}T12:00:00+08:00`;
    for (const [id, day, trade] of [
      ['h1', 3, 'T1'],
      ['h2', 9, 'T1'],
      ['h3', 20, 'T1'],
      ['h4', 90, 'T1'], // outside the range: the lookup ignores dates, the feed must not
      ['h5', 5, 'T2'],
    ] as const) {
      looked.add(makeComplaint({ ...looked.merchant, complaintId: id }, at(day), order(trade)));
    }
    for (const [id, day, trade] of [
      ['w1', 4, 'T1'],
      ['w2', 12, 'T1'],
      ['w3', 6, 'T2'],
    ] as const) {
      scanned.add(makeComplaint({ ...scanned.merchant, complaintId: id }, at(day), order(trade)));
    }
    let lookups = 0;
    const findByOutTradeNo = async (outTradeNo: string) => {
      lookups += 1;
      // Unordered, as the contract allows.
      return looked.complaints.filter((c) => c.orders.some((o) => o.outTradeNo === outTradeNo)).reverse();
    };
    const registry = createProviderRegistry([looked, scanned]);
    const query: Omit<FeedQuery, 'after'> = {
      sources: [
        { merchant: looked.merchant, limits: looked.limits, findByOutTradeNo },
        { merchant: scanned.merchant, limits: scanned.limits },
      ],
      range: { from: '2026-08-01', to: addDays('2026-08-01', 29) },
      filterHash: 'h',
      first: 2,
      matches: (complaint) => complaint.orders.some((o) => o.outTradeNo === 'T1'),
      complaintId: null,
      outTradeNo: 'T1',
      encodeCursor: (cursor) => encodeFeedCursor(secret, cursor),
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const loaders = createLoaders({ registry, cache: createCacheStore({ kind: 'memory' }) });
      const result = await readComplaintFeed(loaders, { ...query, after: after === null ? null : decodeFeedCursor(secret, after) });
      expect(result.failures).toEqual([]);
      seen.push(...result.edges.map((edge) => edge.complaint.key.complaintId));
      if (!result.hasNextPage) break;
      after = result.edges.at(-1)!.cursor;
    }
    // Newest first across both sources, each once; h4 (out of range) and the T2 orders left out.
    expect(seen).toEqual(['h3', 'w2', 'h2', 'w1', 'h1']);
    // One lookup per page for the looked-up source, and it never listed.
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(looked.calls['listComplaints'] ?? 0).toBe(0);
    expect(scanned.calls['listComplaints']).toBeGreaterThan(0);
  });
});
