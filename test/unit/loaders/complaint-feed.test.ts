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
