import {
  createNotificationIntake,
  type NotificationWebhookOptions,
  type WebhookHandler,
} from './notification-intake.js';

export type HuishouqianWebhookOptions = NotificationWebhookOptions;

/**
 * `/webhooks/huishouqian/{account}`. Huishouqian counts only the plain-text body `SUCCESS` (the
 * receiver's acknowledgement) as received; a failure answers `failure` with a 4xx/5xx status.
 */
export function createHuishouqianWebhook(options: HuishouqianWebhookOptions): WebhookHandler {
  return createNotificationIntake('HUISHOUQIAN', options, (status) => ({
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'failure',
  }));
}
