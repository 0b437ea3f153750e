import type { EndpointName } from './route.js';

/** Per-minute budgets per calling mchid (spec 5.6); list and detail share one budget. */
const BUDGETS: Partial<Record<EndpointName, { bucket: string; perMinute: number }>> = {
  listComplaints: { bucket: 'list', perMinute: 200 },
  getComplaint: { bucket: 'list', perMinute: 200 },
  getNegotiationHistory: { bucket: 'history', perMinute: 200 },
  reply: { bucket: 'reply', perMinute: 60 },
  updateRefundProgress: { bucket: 'refund', perMinute: 60 },
  replyImmediately: { bucket: 'immediate', perMinute: 60 },
  uploadImage: { bucket: 'upload', perMinute: 60 },
  complete: { bucket: 'complete', perMinute: 1500 },
};

export interface RateLimiter {
  /** Null when allowed; otherwise the whole seconds until the current minute's window ends. */
  take(mchid: string, endpoint: EndpointName, nowMs: number): number | null;
  clear(): void;
}

/** Fixed one-minute windows on the (injected) clock. */
export function createRateLimiter(): RateLimiter {
  const windows = new Map<string, { minute: number; used: number }>();
  return {
    take(mchid, endpoint, nowMs) {
      const budget = BUDGETS[endpoint];
      if (budget === undefined) return null;
      const minute = Math.floor(nowMs / 60_000);
      const key = `${mchid}\n${budget.bucket}`;
      const window = windows.get(key);
      if (window === undefined || window.minute !== minute) {
        windows.set(key, { minute, used: 1 });
        return null;
      }
      if (window.used >= budget.perMinute) return Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000));
      window.used += 1;
      return null;
    },
    clear() {
      windows.clear();
    },
  };
}
