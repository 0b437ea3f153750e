import { ValidationError } from '../../domain/errors.js';
import type { NotificationReceiver, ReceivedNotification } from '../provider.js';
import type { WechatPayClient } from './client.js';
import { fromProtocolError } from './error-codes.js';
import { WechatPayProtocolError } from './protocol/errors.js';
import { openNotification } from './protocol/notification.js';
import type { Verifier } from './protocol/verifier.js';
import { complaintNotificationSchema } from './wire.js';

/**
 * The webhook receiver of one WeChat Pay account: verifies and opens the notification, then names
 * the merchant that owns the complaint (a service provider's URL hears all its sub-merchants).
 */
export function createWechatPayReceiver(
  client: WechatPayClient,
  verifier: Verifier,
  apiV3Key: string,
  merchants: readonly { mchid: string }[],
): NotificationReceiver {
  // A notification names the complaint only; a service provider's URL hears all its sub-merchants,
  // configured here or not, so only a direct merchant's notification is known to be its own.
  const direct = merchants.length === 1 && merchants[0]?.mchid === client.mchid;
  // Null for a sub-merchant this gateway does not serve: acknowledged (WeChat would resend a refusal
  // for a week), recorded nowhere, so it can never be shown as some configured merchant's event.
  const merchantOf = async (complaintId: string): Promise<string | null> => {
    if (direct) return client.mchid;
    const owner = (await client.getComplaint(complaintId)).complainted_mchid;
    return owner !== undefined && merchants.some((m) => m.mchid === owner) ? owner : null;
  };

  return {
    async receive(request): Promise<ReceivedNotification> {
      let opened: ReturnType<typeof openNotification>;
      try {
        opened = openNotification(request.headers, request.body, verifier, apiV3Key);
      } catch (error) {
        throw error instanceof WechatPayProtocolError ? fromProtocolError(error, 'notification') : error;
      }
      const resource = complaintNotificationSchema.safeParse(opened.resource);
      if (!resource.success) throw new ValidationError('The notification resource is not a complaint notification', null);
      const merchantNo = await merchantOf(resource.data.complaint_id);
      return {
        acknowledgement: { status: 204, contentType: 'application/json', body: '' },
        events:
          merchantNo === null
            ? []
            : [
                {
                  notificationId: opened.id,
                  complaint: { provider: 'WECHAT_PAY', merchantNo, complaintId: resource.data.complaint_id },
                  actionType: resource.data.action_type,
                  providerTime: opened.createTime,
                },
              ],
      };
    },
  };
}
