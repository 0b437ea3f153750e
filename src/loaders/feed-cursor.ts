import type { KeyObject } from 'node:crypto';
import { openToken, signToken } from '../crypto/signed-token.js';
import { ValidationError } from '../domain/errors.js';
import { parseLocalDate, type LocalDate } from '../domain/local-date.js';

/**
 * Where a `complaints` page ended, opaque to clients: a token signed with the gateway's secret
 * (signed-token.ts), so a cursor the gateway did not issue, or one altered to widen its date range
 * or to name other merchants, is refused before anything is read. Its payload (JSON):
 * - `f`: a hash of the filter, so a cursor is never applied to a different query;
 * - `r`: the resolved date range, so a default range ("last 30 days") does not drift between pages;
 * - `t`, `k`: the keyset: complainedAt (ms) of the last returned complaint and the keys of every
 *   complaint already returned with exactly that time. "Older than t, or at t and not in k" is
 *   exact whatever order a provider gives complaints of equal time: a page boundary can neither
 *   repeat nor skip a complaint, even when new complaints arrive meanwhile and shift the providers'
 *   offsets (the re-read complaints are newer than the keyset and dropped);
 * - `p`: per source (merchant) the date-window index and offset to resume reading from, so the next
 *   page starts where this one stopped instead of rescanning every window from the top.
 * The positions are only an optimisation; the keyset is what guarantees correctness.
 */
export interface FeedCursor {
  f: string;
  r: [LocalDate, LocalDate];
  t: number;
  k: string[];
  p: Record<string, [number, number]>;
}

const MAX_CURSOR_CHARS = 8192;
const MAX_POSITION = 1_000_000;
const MAX_TIE_KEYS = 1_000;

function isPosition(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_POSITION);
}

export function encodeFeedCursor(secret: KeyObject, cursor: FeedCursor): string {
  return signToken(secret, JSON.stringify(cursor));
}

/** Strict: anything but a cursor this gateway wrote is a ValidationError on `after`, never a crash. */
export function decodeFeedCursor(secret: KeyObject, text: string): FeedCursor {
  const invalid = (): ValidationError => new ValidationError('after is not a cursor of this query', 'after');
  const payload = openToken(secret, text, MAX_CURSOR_CHARS);
  if (payload === null) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null) throw invalid();
  const { f, r, t, k, p } = value as Record<string, unknown>;
  if (typeof f !== 'string' || !Number.isSafeInteger(t)) throw invalid();
  if (!Array.isArray(k) || k.length === 0 || k.length > MAX_TIE_KEYS || !k.every((key) => typeof key === 'string')) throw invalid();
  if (!Array.isArray(r) || r.length !== 2 || !r.every((d) => typeof d === 'string')) throw invalid();
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw invalid();
  const positions: Record<string, [number, number]> = {};
  for (const [source, position] of Object.entries(p)) {
    if (!isPosition(position)) throw invalid();
    positions[source] = position;
  }
  try {
    return { f, r: [parseLocalDate(r[0] as string, 'after'), parseLocalDate(r[1] as string, 'after')], t: t as number, k: k as string[], p: positions };
  } catch {
    throw invalid();
  }
}
