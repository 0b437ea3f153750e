// Both providers speak Beijing time (UTC+8, no daylight saving), whatever the host's zone.

/** Beijing-time RFC 3339, WeChat Pay's format: `2026-11-22T09:15:00+08:00`. */
export function beijingTime(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}
