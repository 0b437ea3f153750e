import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.js';
import { addDays, daysBetween } from '../../../src/domain/local-date.js';
import { comesFirstNewestFirst, splitDateRange } from '../../../src/domain/paging.js';

describe('splitDateRange', () => {
  it('keeps a range that fits in one window as it is', () => {
    expect(splitDateRange({ from: '2026-01-01', to: '2026-01-30' }, 30)).toEqual([{ from: '2026-01-01', to: '2026-01-30' }]);
  });

  it('splits 120 days into contiguous windows of at most 30 days, newest first', () => {
    const range = { from: '2026-07-01', to: addDays('2026-07-01', 119) };
    const windows = splitDateRange(range, 30);
    expect(windows).toHaveLength(4);
    expect(windows[0]?.to).toBe(range.to);
    expect(windows.at(-1)?.from).toBe(range.from);
    for (const [i, w] of windows.entries()) {
      expect(daysBetween(w.from, w.to) + 1).toBeLessThanOrEqual(30);
      const older = windows[i + 1];
      if (older) expect(addDays(older.to, 1)).toBe(w.from);
    }
  });

  it('covers every day exactly once for odd lengths and leap years', () => {
    const range = { from: '2024-02-10', to: '2024-05-03' };
    const days = splitDateRange(range, 7).flatMap((w) => Array.from({ length: daysBetween(w.from, w.to) + 1 }, (_, i) => addDays(w.from, i)));
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBe(daysBetween(range.from, range.to) + 1);
    expect(days).toContain('2024-02-29');
  });

  it('rejects an inverted range with a typed error naming the field', () => {
    expect(() => splitDateRange({ from: '2026-02-01', to: '2026-01-01' }, 30)).toThrow(ValidationError);
  });
});

describe('comesFirstNewestFirst', () => {
  it('orders newest first with a stable tie-break by key', () => {
    const a = [
      { time: 5, key: 'a5' },
      { time: 3, key: 'a3' },
    ];
    const b = [
      { time: 5, key: 'b5' },
      { time: 4, key: 'b4' },
      { time: 1, key: 'b1' },
    ];
    const merged = [...b, ...a].sort((x, y) => (comesFirstNewestFirst(x, y) ? -1 : 1)).map((x) => x.key);
    expect(merged).toEqual(['a5', 'b5', 'b4', 'a3', 'b1']);
  });
});
