import { addDays, daysBetween, type LocalDate } from './local-date.js';
import { ValidationError } from './errors.js';

export interface DateWindow {
  from: LocalDate;
  to: LocalDate;
}

/**
 * Splits an inclusive date range into windows of at most `maxDays` calendar days (inclusive),
 * newest window first, so that a newest-first listing can stop early.
 */
export function splitDateRange(range: DateWindow, maxDays: number): DateWindow[] {
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new RangeError('maxDays must be a positive integer');
  if (daysBetween(range.from, range.to) < 0) {
    throw new ValidationError(`from (${range.from}) is after to (${range.to})`, 'filter.from');
  }
  const windows: DateWindow[] = [];
  let to = range.to;
  while (daysBetween(range.from, to) >= 0) {
    const candidate = addDays(to, -(maxDays - 1));
    const from = daysBetween(range.from, candidate) > 0 ? candidate : range.from;
    windows.push({ from, to });
    to = addDays(from, -1);
  }
  return windows;
}

/**
 * Merges lists that are each sorted newest first into one newest-first list. Ties are broken by
 * `tieKey` so the order is total and stable across calls (cursors depend on it).
 */
export function mergeNewestFirst<T>(lists: readonly (readonly T[])[], time: (item: T) => number, tieKey: (item: T) => string): T[] {
  const all = lists.flat();
  return all.sort((a, b) => time(b) - time(a) || (tieKey(a) < tieKey(b) ? -1 : tieKey(a) > tieKey(b) ? 1 : 0));
}
