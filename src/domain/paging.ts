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
 * The feed's one total order over complaints: newest first, ties by key ascending, so that the
 * order is stable across calls (cursors depend on it).
 */
export function comesFirstNewestFirst(a: { time: number; key: string }, b: { time: number; key: string }): boolean {
  return a.time > b.time || (a.time === b.time && a.key < b.key);
}
