import { z } from 'zod';
import { decryptAesGcm } from './aes-gcm.js';
import { MalformedNotificationError } from './errors.js';
import type { Verifier } from './verifier.js';

const envelopeSchema = z.object({
  id: z.string().min(1).max(64),
  create_time: z.string().optional(),
  event_type: z.string().min(1),
  resource_type: z.string().optional(),
  summary: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1),
    nonce: z.string().min(1),
    associated_data: z.string().optional(),
    original_type: z.string().optional(),
  }),
});

export interface OpenedNotification {
  id: string;
  eventType: string;
  createTime: string | null;
  /** The decrypted resource, parsed JSON (shape checked by the caller, who knows what it means). */
  resource: unknown;
}

/**
 * Verify first, then decrypt (spec 4): nothing of an unverified body is parsed beyond its bytes.
 * Header names are lower case.
 */
export function openNotification(
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  verifier: Verifier,
  apiV3Key: string,
): OpenedNotification {
  const text = body.toString('utf8');
  verifier({
    timestamp: headers['wechatpay-timestamp'],
    nonce: headers['wechatpay-nonce'],
    signature: headers['wechatpay-signature'],
    serial: headers['wechatpay-serial'],
    body: text,
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedNotificationError('The notification body is not JSON');
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new MalformedNotificationError('The notification envelope is malformed');
  const { resource } = envelope.data;
  const plaintext = decryptAesGcm(resource.ciphertext, { key: apiV3Key, nonce: resource.nonce, associatedData: resource.associated_data ?? '' });
  try {
    return { id: envelope.data.id, eventType: envelope.data.event_type, createTime: envelope.data.create_time ?? null, resource: JSON.parse(plaintext) };
  } catch {
    throw new MalformedNotificationError('The decrypted resource is not JSON');
  }
}
