/**
 * Providers add enum values every year. A value we do not know becomes `UNKNOWN` and keeps the raw
 * spelling, so a new value never fails a call and is still visible to whoever needs it.
 */
export interface OpenEnum<T extends string> {
  value: T | 'UNKNOWN';
  raw: string;
}

export function toOpenEnum<T extends string>(known: readonly T[], raw: string): OpenEnum<T> {
  return { value: (known as readonly string[]).includes(raw) ? (raw as T) : 'UNKNOWN', raw };
}
