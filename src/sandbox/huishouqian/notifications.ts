import type { KeyObject } from 'node:crypto';
import { NOTIFICATION_RETRY_SCHEDULE_SECONDS } from '../notification-retry-schedule.js';
import { signNotification } from './signing.js';

const ATTEMPT_TIMEOUT_MS = 5_000;

export interface NotificationTarget {
  url: string;
  merchantNo: string;
  signKey: string;
}

export interface NotifierOptions {
  platformKey: KeyObject;
  /** Multiplies the retry schedule; tests use ~0.001. */
  timeScale: number;
}

export interface Notifier {
  send(target: NotificationTarget, complaintId: string, actionType: string): void;
  close(): void;
}

/**
 * Signed form-encoded notifications (spec 2.1), retried until the receiver answers `SUCCESS`. The
 * body, and so its sign, is the same on every attempt.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { platformKey, timeScale } = options;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  return {
    send(target, complaintId, actionType) {
      // No id field: the real notification has none (spec 2.1), so a second identical action sends
      // the same bytes as a redelivery, and the receiver has to cope with that.
      const signContent = JSON.stringify({ actionType, complaintId });
      const fields: Record<string, string> = {
        method: 'COMPLAINT_NOTIFY',
        version: '1.0',
        format: 'JSON',
        merchantNo: target.merchantNo,
        signType: 'RSA2',
        signContent,
      };
      fields['sign'] = signNotification(fields, target.signKey, platformKey);
      const body = new URLSearchParams(fields).toString();
      const attempt = async (index: number): Promise<void> => {
        let acknowledged = false;
        try {
          const response = await fetch(target.url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
            signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
          });
          acknowledged = response.ok && (await response.text()).trim() === 'SUCCESS';
        } catch {
          acknowledged = false;
        }
        const delay = NOTIFICATION_RETRY_SCHEDULE_SECONDS[index];
        if (acknowledged || delay === undefined || closed) return;
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            void attempt(index + 1);
          },
          delay * 1000 * timeScale,
        );
        timers.add(timer);
      };
      void attempt(0);
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
