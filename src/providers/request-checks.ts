import { ValidationError } from '../domain/errors.js';
import { daysBetween, parseLocalDate } from '../domain/local-date.js';
import type { DateWindow } from '../domain/paging.js';

/*
 * Input checks every adapter makes before it sends anything, so a bad request costs no quota and
 * leaves nothing half-done at the provider.
 */

export function checkComplaintId(complaintId: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(complaintId)) throw new ValidationError('complaintId must be 1 to 64 letters or digits', 'complaintId');
}

export function checkPage(limit: number, offset: number, maxLimit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw new ValidationError(`limit must be between 1 and ${maxLimit}`, 'limit');
  if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be 0 or more', 'offset');
}

/** A real, ordered date range of at most `maxDays` calendar days (inclusive). */
export function checkDateWindow(from: string, to: string, maxDays: number, provider: string): DateWindow {
  const window = { from: parseLocalDate(from, 'from'), to: parseLocalDate(to, 'to') };
  const span = daysBetween(window.from, window.to);
  if (span < 0) throw new ValidationError('from is after to', 'from');
  if (span >= maxDays) throw new ValidationError(`${provider} lists at most ${maxDays} days at once`, 'to');
  return window;
}
