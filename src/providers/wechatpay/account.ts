import type { KeyObject } from 'node:crypto';
import { CAPABILITIES, type Capability } from '../../domain/capability.js';
import { ForbiddenError, ValidationError } from '../../domain/errors.js';
import { systemClock, type Clock } from '../http/clock.js';
import type { ComplaintProvider, NotificationReceiver, ReceivedNotification } from '../provider.js';
import { createWechatPayAdapter } from './adapter.js';
import { createWechatPayClient, type WechatPayClient } from './client.js';
import type { EndpointName } from './endpoints.js';
import { DecryptionError, MalformedNotificationError, WechatPayProtocolError } from './protocol/errors.js';
import { openNotification } from './protocol/notification.js';
import { createVerifier, type Verifier } from './protocol/verifier.js';
import { complaintNotificationSchema } from './wire.js';

export interface WechatPayAccountOptions {
  baseUrl: string;
  backupBaseUrl?: string;
  /** The calling merchant (the service provider for sub-merchants). */
  mchid: string;
  /** Its API certificate serial. */
  serialNo: string;
  privateKey: KeyObject;
  apiV3Key: string;
  platformPublicKeys: { id: string; key: KeyObject }[];
  platformCertificates: { serialNo: string; key: KeyObject }[];
  /** Who this account serves: itself, or its sub-merchants. */
  merchants: { mchid: string; name: string }[];
  timeoutMs?: number;
  clock?: Clock;
  /** Switch capabilities off for a deployment (e.g. media not whitelisted). */
  capabilities?: Partial<Record<Capability, boolean>>;
  onRequest?: (endpoint: EndpointName) => void;
}

export interface WechatPayAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
}

function createReceiver(client: WechatPayClient, verifier: Verifier, apiV3Key: string, merchants: readonly { mchid: string }[]): NotificationReceiver {
  // A notification names the complaint only; a service provider's URL hears all its sub-merchants.
  const merchantOf = async (complaintId: string): Promise<string> => {
    const only = merchants.length === 1 ? merchants[0] : undefined;
    if (only !== undefined) return only.mchid;
    const detail = await client.getComplaint(complaintId);
    if (detail.complainted_mchid === undefined || !merchants.some((m) => m.mchid === detail.complainted_mchid)) {
      throw new ValidationError('The complaint belongs to no merchant of this account', null);
    }
    return detail.complainted_mchid;
  };

  return {
    async receive(request): Promise<ReceivedNotification> {
      let opened;
      try {
        opened = openNotification(request.headers, request.body, verifier, apiV3Key);
      } catch (error) {
        if (error instanceof MalformedNotificationError || error instanceof DecryptionError) throw new ValidationError(error.message, null);
        if (error instanceof WechatPayProtocolError) throw new ForbiddenError(`Notification not accepted: ${error.message}`);
        throw error;
      }
      const resource = complaintNotificationSchema.safeParse(opened.resource);
      if (!resource.success) throw new ValidationError('The notification resource is not a complaint notification', null);
      const merchantNo = await merchantOf(resource.data.complaint_id);
      return {
        acknowledgement: { status: 204, contentType: 'application/json', body: '' },
        events: [
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

// Public key mode is WeChat's current one: prefer it; otherwise the newest-listed certificate.
function acceptSerial(options: WechatPayAccountOptions): { acceptSerial?: string } {
  const serial = options.platformPublicKeys[0]?.id ?? options.platformCertificates.at(-1)?.serialNo;
  return serial === undefined ? {} : { acceptSerial: serial };
}

/** One WeChat Pay API account → one ComplaintProvider per merchant it serves, plus its webhook receiver. */
export function createWechatPayAccount(options: WechatPayAccountOptions): WechatPayAccount {
  const clock = options.clock ?? systemClock;
  if (options.merchants.length === 0) throw new ValidationError('A WeChat Pay account serves at least one merchant', 'merchants');
  const verifier = createVerifier({ publicKeys: options.platformPublicKeys, certificates: options.platformCertificates, clock });
  const client = createWechatPayClient({
    baseUrl: options.baseUrl,
    ...(options.backupBaseUrl === undefined ? {} : { backupBaseUrl: options.backupBaseUrl }),
    mchid: options.mchid,
    serialNo: options.serialNo,
    privateKey: options.privateKey,
    verifier,
    clock,
    ...acceptSerial(options),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  const capabilities = CAPABILITIES.filter((capability) => options.capabilities?.[capability] !== false);
  const providers = options.merchants.map((merchant) =>
    createWechatPayAdapter({
      client,
      privateKey: options.privateKey,
      merchant: {
        provider: 'WECHAT_PAY',
        merchantNo: merchant.mchid,
        name: merchant.name,
        accountNo: options.mchid,
        capabilities: [...capabilities],
      },
    }),
  );
  return { providers, notifications: createReceiver(client, verifier, options.apiV3Key, options.merchants) };
}
