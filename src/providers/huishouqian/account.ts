import { createHash, type KeyObject } from 'node:crypto';
import type { Capability } from '../../domain/capability.js';
import { ForbiddenError, UnsupportedError, ValidationError } from '../../domain/errors.js';
import { systemClock, type Clock } from '../http/clock.js';
import type { ComplaintProvider, NotificationReceiver } from '../provider.js';
import { createHuishouqianAdapter } from './adapter.js';
import { createHuishouqianClient } from './client.js';
import type { HuishouqianEndpointName, HuishouqianUrlShape } from './endpoints.js';
import { ENVELOPE_ORDER, requestSignString, type RequestEnvelope } from './protocol/envelope.js';
import { rsa2Scheme, type SignatureScheme } from './protocol/signer.js';
import { notificationContentSchema } from './wire.js';

export interface HuishouqianAccountOptions {
  baseUrl: string;
  agentMerchantNo?: string;
  platformPublicKey: KeyObject;
  merchants: { merchantNo: string; name: string; privateKey: KeyObject; signKey: string }[];
  /** CFCA (encrypted payloads) is not implemented: it cannot be tested honestly without Huishouqian. */
  signType?: 'RSA2' | 'CFCA';
  timeoutMs?: number;
  clock?: Clock;
  capabilities?: Partial<Record<Capability, boolean>>;
  onRequest?: (endpoint: HuishouqianEndpointName) => void;
  /** `per-method` (documented, default) or `generic` (`/api/acquiring`, seen in a third-party client). */
  urlShape?: HuishouqianUrlShape;
}

export interface HuishouqianAccount {
  providers: ComplaintProvider[];
  notifications: NotificationReceiver;
}

// Documented: list and detail. Inferred from third-party clients, each switchable off: the rest.
const OFFERED: readonly Capability[] = ['LIST_COMPLAINTS', 'COMPLAINT_DETAIL', 'NEGOTIATION_HISTORY', 'REPLY', 'COMPLETE', 'IMAGE_UPLOAD', 'IMAGE_DOWNLOAD', 'NOTIFICATIONS'];

function parseNotificationBody(headers: Readonly<Record<string, string | undefined>>, body: Buffer): Record<string, string> {
  const text = body.toString('utf8');
  // Older clients parse JSON, newer ones a form (spec 2.1): accept both.
  if ((headers['content-type'] ?? '').includes('json') || text.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ValidationError('The notification body is not JSON', null);
    }
    if (typeof json !== 'object' || json === null) throw new ValidationError('The notification body is not an object', null);
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function createReceiver(options: HuishouqianAccountOptions, scheme: SignatureScheme): NotificationReceiver {
  const signKeys = new Map(options.merchants.map((m) => [m.merchantNo, m.signKey]));
  return {
    async receive(request) {
      const fields = parseNotificationBody(request.headers, request.body);
      const merchantNo = fields['merchantNo'] ?? '';
      const signKey = signKeys.get(merchantNo);
      if (signKey === undefined) throw new ForbiddenError('Notification for a merchant this account does not serve');
      const envelope = Object.fromEntries(ENVELOPE_ORDER.map((name) => [name, fields[name] ?? ''])) as unknown as RequestEnvelope;
      if (!scheme.verify(requestSignString(envelope, signKey), fields['sign'] ?? '', options.platformPublicKey)) {
        throw new ForbiddenError('Notification signature does not verify');
      }
      let content: unknown;
      try {
        content = JSON.parse(envelope.signContent);
      } catch {
        throw new ValidationError('The notification content is not JSON', null);
      }
      const parsed = notificationContentSchema.safeParse(content);
      if (!parsed.success) throw new ValidationError('The notification content is not a complaint notification', null);
      // Third-party models show no notification id: without one, the signed content is the identity
      // (stable across redeliveries, though two identical notifications then count as one).
      const notificationId = parsed.data.notifyId ?? createHash('sha256').update(`${merchantNo}\n${envelope.signContent}`).digest('hex').slice(0, 32);
      return {
        acknowledgement: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'SUCCESS' },
        events: [{ notificationId, complaint: { provider: 'HUISHOUQIAN', merchantNo, complaintId: parsed.data.complaintId }, actionType: parsed.data.actionType, providerTime: null }],
      };
    },
  };
}

export function createHuishouqianAccount(options: HuishouqianAccountOptions): HuishouqianAccount {
  if (options.signType === 'CFCA') {
    throw new UnsupportedError('HUISHOUQIAN', 'CFCA_SIGNING', 'Huishouqian signType CFCA is not supported yet: its encryption is known only from third-party code and cannot be tested here; use RSA2');
  }
  const scheme = rsa2Scheme;
  const clock = options.clock ?? systemClock;
  const capabilities = OFFERED.filter((capability) => options.capabilities?.[capability] !== false);
  const providers = options.merchants.map((merchant) =>
    createHuishouqianAdapter({
      client: createHuishouqianClient({
        baseUrl: options.baseUrl,
        merchantNo: merchant.merchantNo,
        privateKey: merchant.privateKey,
        signKey: merchant.signKey,
        platformPublicKey: options.platformPublicKey,
        scheme,
        clock,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
        ...(options.urlShape === undefined ? {} : { urlShape: options.urlShape }),
      }),
      merchant: {
        provider: 'HUISHOUQIAN',
        merchantNo: merchant.merchantNo,
        name: merchant.name,
        // Each merchant signs its own calls.
        accountNo: merchant.merchantNo,
        capabilities: [...capabilities],
      },
      agentMerchantNo: options.agentMerchantNo ?? null,
    }),
  );
  return { providers, notifications: createReceiver(options, scheme) };
}
