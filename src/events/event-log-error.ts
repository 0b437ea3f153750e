import { GatewayError } from '../domain/errors.js';

/** The store behind the event log failed or is closed; the caller may retry later. */
export class EventLogError extends GatewayError {
  override readonly name = 'EventLogError';
  readonly code = 'EVENT_LOG_UNAVAILABLE';
}
