import type { EndpointName } from './route.js';

export type RateLimitBucket = 'list' | 'history' | 'reply' | 'complete' | 'refundProgress' | 'immediateReply' | 'upload';

/**
 * Per-minute budgets per calling mchid (spec 5.6, corrected): every feedback API 60, complete
 * included; list and detail share 200; history 200.
 */
const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitBucket, number>> = {
  list: 200,
  history: 200,
  reply: 60,
  complete: 60,
  refundProgress: 60,
  immediateReply: 60,
  upload: 60,
};

const BUCKETS: Partial<Record<EndpointName, RateLimitBucket>> = {
  listComplaints: 'list',
  getComplaint: 'list',
  getNegotiationHistory: 'history',
  reply: 'reply',
  complete: 'complete',
  updateRefundProgress: 'refundProgress',
  replyImmediately: 'immediateReply',
  uploadImage: 'upload',
};

export interface RateLimiter {
  /** Null when allowed; otherwise the whole seconds until the current minute's window ends. */
  take(mchid: string, endpoint: EndpointName, nowMs: number): number | null;
  clear(): void;
}

/**
 * Fixed calendar-minute windows on the (injected) clock. `overrides` stand in for an operator's
 * word on a different limit (tests use small ones to reach it quickly).
 */
export function createRateLimiter(overrides: Partial<Record<RateLimitBucket, number>> = {}): RateLimiter {
  const limits = { ...DEFAULT_RATE_LIMITS, ...overrides };
  const windows = new Map<string, { minute: number; used: number }>();
  return {
    take(mchid, endpoint, nowMs) {
      const bucket = BUCKETS[endpoint];
      if (bucket === undefined) return null;
      const minute = Math.floor(nowMs / 60_000);
      const key = `${mchid}\n${bucket}`;
      const window = windows.get(key);
      if (window === undefined || window.minute !== minute) {
        windows.set(key, { minute, used: 1 });
        return null;
      }
      if (window.used >= limits[bucket]) return Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000));
      window.used += 1;
      return null;
    },
    clear() {
      windows.clear();
    },
  };
}
