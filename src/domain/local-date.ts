import { ValidationError } from './errors.js';

/** A calendar date `YYYY-MM-DD` as the providers use it (Beijing time). */
export type LocalDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function parseLocalDate(text: string, field: string): LocalDate {
  const match = DATE.exec(text);
  if (match) {
    const [, y, m, d] = match;
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (date.toISOString().slice(0, 10) === text) return text;
  }
  throw new ValidationError(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(text.slice(0, 32))}`, field);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal, negative when inverted). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Today's date in Beijing (UTC+8), the providers' calendar. */
export function beijingToday(now: Date): LocalDate {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
