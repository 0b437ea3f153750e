import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.js';
import { addDays, daysBetween } from '../../../src/domain/local-date.js';
import { mergeNewestFirst, splitDateRange } from '../../../src/domain/paging.js';

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
    const days = splitDateRange(range, 7).flatMap((w) =>
      Array.from({ length: daysBetween(w.from, w.to) + 1 }, (_, i) => addDays(w.from, i)),
    );
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBe(daysBetween(range.from, range.to) + 1);
    expect(days).toContain('2024-02-29');
  });

  it('rejects an inverted range with a typed error naming the field', () => {
    expect(() => splitDateRange({ from: '2026-02-01', to: '2026-01-01' }, 30)).toThrow(ValidationError);
  });
});

describe('mergeNewestFirst', () => {
  it('merges sorted lists newest first with a stable tie-break', () => {
    const a = [{ t: 5, k: 'a5' }, { t: 3, k: 'a3' }];
    const b = [{ t: 5, k: 'b5' }, { t: 4, k: 'b4' }, { t: 1, k: 'b1' }];
    const merged = mergeNewestFirst([b, a], (x) => x.t, (x) => x.k).map((x) => x.k);
    expect(merged).toEqual(['a5', 'b5', 'b4', 'a3', 'b1']);
  });
});
