import { ValidationError } from './errors.js';

/** An amount in fen (分), the providers' unit. Never a float. */
export type Fen = number;

export function toFen(value: unknown, field: string): Fen {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`${field} must be a non-negative integer amount in fen`, field);
  }
  return value;
}
