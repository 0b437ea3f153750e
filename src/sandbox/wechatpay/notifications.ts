import { createCipheriv, randomUUID } from 'node:crypto';
import type { Clock } from '../../providers/http/clock.js';
import { beijingTime } from '../beijing-time.js';
import { NOTIFICATION_RETRY_SCHEDULE_SECONDS } from '../notification-retry-schedule.js';
import type { PlatformSigner } from './keys.js';
import { signatureHeaders } from './response-signing.js';
import type { ComplaintAction } from './state.js';

const ATTEMPT_TIMEOUT_MS = 5_000;

export interface NotificationQuirks {
  /** Every Nth notification is delivered a second time with the same id (0: never). */
  duplicateEvery?: number;
  /** Every Nth notification is preceded by a `WECHATPAY/SIGNTEST/` probe (0: never). */
  signTestProbeEvery?: number;
}

export interface NotificationTarget {
  url: string;
  apiV3Key: string;
}

export interface NotifierOptions {
  clock: Clock;
  signer(): PlatformSigner;
  timeScale: number;
  quirks: NotificationQuirks;
}

/** Signed, AES-256-GCM encrypted complaint notifications with retries (spec 4). */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<AbortController>();
  #count = 0;
  #closed = false;

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  send(target: NotificationTarget, complaintId: string, action: ComplaintAction): void {
    if (this.#closed) return;
    this.#count += 1;
    const { duplicateEvery = 0, signTestProbeEvery = 0 } = this.#options.quirks;
    const id = randomUUID();
    const body = Buffer.from(JSON.stringify(this.#envelope(id, target.apiV3Key, complaintId, action)), 'utf8');
    const probe = signTestProbeEvery > 0 && this.#count % signTestProbeEvery === 0;
    const duplicate = duplicateEvery > 0 && this.#count % duplicateEvery === 0;
    void (async () => {
      if (probe) await this.#post(target.url, body, true);
      this.#attempt(target.url, body, 0, duplicate);
    })();
  }

  #envelope(id: string, apiV3Key: string, complaintId: string, action: ComplaintAction): unknown {
    const nonce = this.#options.clock.nonce(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.alloc(0));
    const plaintext = JSON.stringify({ complaint_id: complaintId, action_type: action });
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return {
      id,
      create_time: beijingTime(this.#options.clock.now()),
      resource_type: 'encrypt-resource',
      event_type: action === 'CREATE_COMPLAINT' ? 'COMPLAINT.CREATE' : 'COMPLAINT.STATE_CHANGE',
      summary: action === 'CREATE_COMPLAINT' ? '产生新投诉' : '投诉单状态变化',
      resource: { original_type: 'complaint', algorithm: 'AEAD_AES_256_GCM', ciphertext: ciphertext.toString('base64'), associated_data: '', nonce },
    };
  }

  /** The body (and so the notification id) stays the same across retries; each attempt is signed afresh. */
  #attempt(url: string, body: Buffer, retry: number, duplicate: boolean): void {
    if (this.#closed) return;
    void this.#post(url, body, false).then((ok) => {
      if (ok) {
        // The real service sometimes delivers one notification twice: same id, fresh signature.
        if (duplicate) void this.#post(url, body, false);
        return;
      }
      const waitSeconds = NOTIFICATION_RETRY_SCHEDULE_SECONDS[retry];
      if (waitSeconds === undefined || this.#closed) return;
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          this.#attempt(url, body, retry + 1, duplicate);
        },
        waitSeconds * 1000 * this.#options.timeScale,
      );
      this.#timers.add(timer);
    });
  }

  /**
   * True on 200 or 204 only (seed 001: "投诉通知http应答码为200或204才会当作正常接收"): any other
   * status, other 2xx included, is a failure and retried; so are timeouts and network errors.
   */
  async #post(url: string, body: Buffer, probe: boolean): Promise<boolean> {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    try {
      const headers = signatureHeaders(body, this.#options.signer(), this.#options.clock);
      if (probe) headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${headers['Wechatpay-Signature'] ?? ''}`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Request-ID': randomUUID().replaceAll('-', '').toUpperCase(), ...headers },
        body: new Uint8Array(body),
        signal: controller.signal,
      });
      await response.arrayBuffer();
      return response.status === 200 || response.status === 204;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
  }

  /** Drops pending retries and in-flight attempts (reset), keeping the notifier usable. */
  cancelPending(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#inFlight) controller.abort();
  }

  close(): void {
    this.#closed = true;
    this.cancelPending();
  }
}
