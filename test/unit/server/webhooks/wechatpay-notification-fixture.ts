import { createCipheriv, createDecipheriv, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { ForbiddenError, ValidationError } from '../../../../src/domain/errors.js';
import type { Clock } from '../../../../src/providers/http/clock.js';
import type { NotificationReceiver } from '../../../../src/providers/provider.js';
import type { WebhookRequest } from '../../../../src/server/webhooks/notification-intake.js';

/** The keys both ends of a WeChat Pay notification share. */
export interface WechatPayNotificationKeys {
  mchid: string;
  /** 32 ASCII characters used as 32 raw bytes. */
  apiV3Key: string;
  /** `PUB_KEY_ID_...` of the platform key. */
  keyId: string;
  platformPrivateKey: KeyObject;
  platformPublicKey: KeyObject;
}

/**
 * Stand-in for the WeChat adapter's receiver: SHA256withRSA over `ts\nnonce\nbody\n` with the key
 * named by Wechatpay-Serial, a 5-minute window, AES-256-GCM with the APIv3 key. The webhook's
 * contract is what it does with a receiver's verdict; this one reaches its verdicts with the real
 * algorithms.
 */
export function createReferenceReceiver(keys: WechatPayNotificationKeys, clock: Clock): NotificationReceiver {
  return {
    async receive({ headers, body }) {
      const timestamp = headers['wechatpay-timestamp'] ?? '';
      const nonce = headers['wechatpay-nonce'] ?? '';
      const signature = headers['wechatpay-signature'] ?? '';
      if (signature.startsWith('WECHATPAY/SIGNTEST/')) throw new ForbiddenError('signature probe');
      if (headers['wechatpay-serial'] !== keys.keyId) throw new ForbiddenError('unknown platform key');
      if (Math.abs(clock.now() / 1000 - Number(timestamp)) > 300) throw new ForbiddenError('timestamp outside the window');
      const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')]);
      if (!verify('sha256', message, keys.platformPublicKey, Buffer.from(signature, 'base64'))) {
        throw new ForbiddenError('bad signature');
      }
      try {
        const envelope = JSON.parse(body.toString('utf8')) as {
          id: string;
          create_time: string;
          resource: { ciphertext: string; nonce: string; associated_data?: string };
        };
        const sealed = Buffer.from(envelope.resource.ciphertext, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keys.apiV3Key), Buffer.from(envelope.resource.nonce));
        decipher.setAAD(Buffer.from(envelope.resource.associated_data ?? ''));
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
        const resource = JSON.parse(plain.toString('utf8')) as { complaint_id: string; action_type: string };
        return {
          acknowledgement: { status: 204, contentType: 'application/json', body: '' },
          events: [
            {
              notificationId: envelope.id,
              complaint: { provider: 'WECHAT_PAY', merchantNo: keys.mchid, complaintId: resource.complaint_id },
              actionType: resource.action_type,
              providerTime: envelope.create_time,
            },
          ],
        };
      } catch (error) {
        throw new ValidationError('notification could not be opened', null, { cause: error });
      }
    },
  };
}

export interface DeliveryOptions {
  id?: string;
  complaintId?: string;
  signWith?: KeyObject;
  serial?: string;
  /** Unix seconds; default the clock's. */
  timestamp?: number;
  aad?: string;
  /** The associated data the envelope claims, when it should differ from the one used. */
  declaredAad?: string;
  tamper?: (sealed: Buffer) => void;
  body?: string;
  signature?: string;
}

/** A delivery as WeChat (or the sandbox) sends it: sealed resource, signed envelope. */
export function createDelivery(keys: WechatPayNotificationKeys, clock: Clock, options: DeliveryOptions = {}, account = 'main'): WebhookRequest {
  const id = options.id ?? randomUUID();
  const resourceNonce = clock.nonce(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keys.apiV3Key), Buffer.from(resourceNonce));
  cipher.setAAD(Buffer.from(options.aad ?? 'complaint'));
  const complaintId = options.complaintId ?? `2002018202611220${id.slice(0, 4)}`;
  const plain = JSON.stringify({ complaint_id: complaintId, action_type: 'CREATE_COMPLAINT' });
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  options.tamper?.(sealed);
  const body =
    options.body ??
    JSON.stringify({
      id,
      create_time: '2026-11-22T19:00:00+08:00',
      event_type: 'COMPLAINT.CREATE',
      resource_type: 'encrypt-resource',
      summary: '投诉单创建',
      resource: {
        original_type: 'complaint',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: sealed.toString('base64'),
        associated_data: options.declaredAad ?? options.aad ?? 'complaint',
        nonce: resourceNonce,
      },
    });
  const timestamp = String(options.timestamp ?? Math.floor(clock.now() / 1000));
  const nonce = clock.nonce(32);
  const signature =
    options.signature ?? sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), options.signWith ?? keys.platformPrivateKey).toString('base64');
  return {
    account,
    // Mixed case, as a proxy might forward them: the handler must not depend on Node's lowercasing.
    headers: {
      'Content-Type': 'application/json',
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': options.serial ?? keys.keyId,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      'Request-ID': ['08F0A1', 'dup'],
    },
    body: Buffer.from(body, 'utf8'),
  };
}
