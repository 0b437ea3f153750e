import { createHash, type KeyObject } from 'node:crypto';
import { ValidationError } from '../../domain/errors.js';
import type { NotificationReceiver } from '../provider.js';
import { fromProtocolError } from './error-codes.js';
import { HuishouqianProtocolError } from './protocol/errors.js';
import { openNotification, type OpenedNotification } from './protocol/notification.js';
import type { SignatureScheme } from './protocol/signer.js';
import { notificationContentSchema } from './wire.js';

export interface HuishouqianReceiverOptions {
  /** The merchants whose notifications this receiver verifies, each with its sign key. */
  merchants: readonly { merchantNo: string; signKey: string }[];
  platformPublicKey: KeyObject;
  scheme: SignatureScheme;
}

/** Complaint notifications (spec 2.1): verified, read, acknowledged with the plain text `SUCCESS`. */
export function createHuishouqianReceiver(options: HuishouqianReceiverOptions): NotificationReceiver {
  const signKeys = new Map(options.merchants.map((m) => [m.merchantNo, m.signKey]));
  const keys = { signKeyFor: (merchantNo: string) => signKeys.get(merchantNo), platformPublicKey: options.platformPublicKey, scheme: options.scheme };
  return {
    async receive(request) {
      let opened: OpenedNotification;
      try {
        opened = openNotification(request.headers, request.body, keys);
      } catch (error) {
        if (error instanceof HuishouqianProtocolError) throw fromProtocolError(error, 'notification');
        throw error;
      }
      const content = notificationContentSchema.safeParse(opened.content);
      if (!content.success) throw new ValidationError('The notification content is not a complaint notification', null);
      const { merchantNo } = opened;
      // Third-party models show no notification id: without one, the signed content is the identity
      // (stable across redeliveries, though two identical notifications then count as one).
      const notificationId = content.data.notifyId ?? createHash('sha256').update(`${merchantNo}\n${opened.signContent}`).digest('hex').slice(0, 32);
      return {
        acknowledgement: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'SUCCESS' },
        events: [
          {
            notificationId,
            complaint: { provider: 'HUISHOUQIAN', merchantNo, complaintId: content.data.complaintId },
            actionType: content.data.actionType,
            providerTime: null,
          },
        ],
      };
    },
  };
}
