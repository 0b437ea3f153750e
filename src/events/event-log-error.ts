import { GatewayError } from '../domain/errors.js';

/** The store behind the event log failed or is closed; the caller may retry later. */
export class EventLogError extends GatewayError {
  override readonly name = 'EventLogError';
  readonly code = 'EVENT_LOG_UNAVAILABLE';
}

/**
 * `after` names a position the log has pruned (older than its retention): the entries behind it are
 * gone, so resuming there would skip events silently. The client restarts without `after`.
 */
export class EventCursorExpiredError extends GatewayError {
  override readonly name = 'EventCursorExpiredError';
  readonly code = 'EVENT_CURSOR_EXPIRED';

  constructor() {
    super('This cursor is older than the event log keeps: restart without `after`, from the oldest event');
  }
}
