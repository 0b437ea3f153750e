import type { ComplaintEvent } from '../../domain/events.js';
import { ForbiddenError, GatewayError, NotFoundError, ProviderError, UnsupportedError, ValidationError, type ProviderName } from '../../domain/errors.js';
import { EventLogError } from '../../events/event-log-error.js';
import type { EventLog } from '../../events/event-log.js';
import { systemClock, type Clock } from '../../providers/http/clock.js';
import type { ProviderModuleInfo } from '../../providers/provider-module.js';
import type { NotificationReceiver, ReceivedNotification } from '../../providers/provider.js';

/** What the HTTP edge hands a webhook: the `{account}` path segment and the raw request. */
export interface WebhookRequest {
  account: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: Buffer;
}

export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

/** The part of a pino logger the webhooks use. */
export interface WebhookLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface NotificationWebhookOptions {
  /** One receiver per provider account, keyed by the `{account}` path segment. */
  receivers: ReadonlyMap<string, NotificationReceiver>;
  eventLog: EventLog;
  /**
   * Runs after the events are stored, with the events this delivery stored first; never for a
   * redelivery or replay of stored ones, so resending a captured notification changes nothing (cache
   * invalidation would otherwise let anyone flush caches at will). A rejection answers 5xx, but the
   * redelivery is then a duplicate and does not run it again: like a crash between append and this
   * hook, what it failed to do stays undone. For cache invalidation, the cached data lives until
   * its TTL (at most 5 minutes).
   */
  onAccepted?: (events: readonly ComplaintEvent[]) => Promise<void> | void;
  logger: WebhookLogger;
  /** Larger bodies are refused with 413; default DEFAULT_MAX_NOTIFICATION_BYTES. */
  maxBodyBytes?: number;
  /** Stamps `receivedAt`; default systemClock. */
  clock?: Clock;
  /** Each delivery's outcome: `accepted` (something new stored), `duplicate` (all stored before), `refused`. */
  onResult?: (provider: ProviderName, result: 'accepted' | 'duplicate' | 'refused') => void;
}

/** 64 KiB: a complaint notification is under 1 KiB. The HTTP edge should stop reading past this. */
const DEFAULT_MAX_NOTIFICATION_BYTES = 64 * 1024;

/** How a provider wants to hear that a notification failed. */
export type FailureResponse = (status: number, message: string) => WebhookResponse;

const SAFE_ACCOUNT = /^[A-Za-z0-9_.-]{1,64}$/;

// Only what cannot help a forger: the category of the failure, never the receiver's message.
const FAILURE_MESSAGES: Record<number, string> = {
  400: 'notification rejected',
  401: 'signature verification failed',
  404: 'unknown account',
  413: 'notification too large',
  500: 'notification could not be processed, retry later',
};

function failureMessage(status: number): string {
  return FAILURE_MESSAGES[status] ?? 'notification failed';
}

/**
 * 401 for authenticity failures, 400 for content no redelivery can fix, 500 for our own failures
 * (storage, configuration, a transient provider error), which the provider answers by retrying.
 */
function failureStatus(error: unknown): number {
  if (error instanceof ForbiddenError) return 401;
  if (error instanceof ValidationError || error instanceof NotFoundError || error instanceof UnsupportedError) return 400;
  if (error instanceof ProviderError && !error.retryable) return 400;
  return 500;
}

/**
 * Log fields that describe an error without request content: a receiver's cause may quote the
 * body (V8's JSON errors do), so only the store's own cause (SQLITE_BUSY, ECONNREFUSED) is kept.
 */
function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof EventLogError && error.cause instanceof Error) {
    return { errorCode: error.code, reason: error.message, cause: `${error.cause.name}: ${error.cause.message}` };
  }
  if (error instanceof GatewayError) return { errorCode: error.code, reason: error.message };
  return { errorName: error instanceof Error ? error.name : typeof error };
}

function lowerCaseHeaders(headers: WebhookRequest['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = typeof value === 'string' || value === undefined ? value : value.join(', ');
  }
  return out;
}

function acknowledge(received: ReceivedNotification): WebhookResponse {
  const { status, contentType, body } = received.acknowledgement;
  return { status, headers: body.length > 0 ? { 'content-type': contentType } : {}, body };
}

/**
 * The provider-independent intake: receiver (verify, decrypt) → event log (dedupe, append) →
 * onAccepted → the provider's acknowledgement. Nothing is stored unless the receiver accepted.
 */
function createNotificationIntake(provider: ProviderName, options: NotificationWebhookOptions, fail: FailureResponse): WebhookHandler {
  const { receivers, eventLog, onAccepted, logger, maxBodyBytes = DEFAULT_MAX_NOTIFICATION_BYTES, clock = systemClock, onResult } = options;

  return async (request) => {
    const account = SAFE_ACCOUNT.test(request.account) ? request.account : '(malformed)';
    const context = { provider, account, bytes: request.body.length };
    const refuse = (status: number, fields: Record<string, unknown>, message: string): WebhookResponse => {
      (status >= 500 ? logger.error : logger.warn).call(logger, { ...context, status, ...fields }, message);
      onResult?.(provider, 'refused');
      return fail(status, failureMessage(status));
    };

    const receiver = receivers.get(request.account);
    if (receiver === undefined) return refuse(404, {}, 'notification for an unknown account');
    if (request.body.length > maxBodyBytes) return refuse(413, { maxBodyBytes }, 'notification body too large');

    let received: ReceivedNotification;
    try {
      received = await receiver.receive({ headers: lowerCaseHeaders(request.headers), body: request.body });
    } catch (error) {
      return refuse(failureStatus(error), describeError(error), 'notification rejected by its receiver');
    }

    const receivedAt = new Date(clock.now()).toISOString();
    const events: ComplaintEvent[] = received.events.map((event) => ({ ...event, receivedAt }));
    const notificationIds = events.map((event) => event.notificationId);
    let stored: ComplaintEvent[];
    try {
      const result = await eventLog.append(events);
      // Entries come in the order given; a duplicate was stored by an earlier delivery.
      stored = events.filter((_event, index) => result.entries[index]?.duplicate === false);
    } catch (error) {
      return refuse(failureStatus(error), { notificationIds, ...describeError(error) }, 'notification not stored');
    }
    const duplicates = events.length - stored.length;
    if (stored.length > 0) {
      try {
        await onAccepted?.(stored);
      } catch (error) {
        return refuse(500, { notificationIds, ...describeError(error) }, 'notification stored, follow-up failed');
      }
    }

    const redelivered = duplicates === events.length && events.length > 0;
    onResult?.(provider, redelivered ? 'duplicate' : 'accepted');
    logger.info({ ...context, notificationIds, appended: stored.length, duplicates }, redelivered ? 'notification redelivered' : 'notification accepted');
    return acknowledge(received);
  };
}

/**
 * `/webhooks/<slug>/{account}` of one provider module: success is the receiver's acknowledgement,
 * a failure a 4xx/5xx in the body the provider expects (and answers by redelivering).
 */
export function createProviderWebhook(module: ProviderModuleInfo, options: NotificationWebhookOptions): WebhookHandler {
  return createNotificationIntake(module.name, options, (status, message) => {
    const { contentType, body } = module.refuseNotification(message);
    return { status, headers: { 'content-type': contentType }, body };
  });
}
