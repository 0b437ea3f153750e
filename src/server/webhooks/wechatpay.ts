import {
  createNotificationIntake,
  type NotificationWebhookOptions,
  type WebhookHandler,
} from './notification-intake.js';

export type WechatPayWebhookOptions = NotificationWebhookOptions;

/**
 * `/webhooks/wechatpay/{account}`. Success is the receiver's acknowledgement (204); any failure is
 * a 4xx/5xx with `{"code":"FAIL","message":...}`, which WeChat answers by redelivering on its
 * retry schedule (signature probes included: they must fail like a forgery).
 */
export function createWechatPayWebhook(options: WechatPayWebhookOptions): WebhookHandler {
  return createNotificationIntake('WECHAT_PAY', options, (status, message) => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ code: 'FAIL', message }),
  }));
}
