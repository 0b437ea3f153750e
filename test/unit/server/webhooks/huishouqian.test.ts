import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../../../src/domain/errors.js';
import { createEventLog, type EventLog } from '../../../../src/events/event-log.js';
import { createFixedClock } from '../../../helpers/fixed-clock.js';
import type { NotificationReceiver } from '../../../../src/providers/provider.js';
import { huishouqianModule } from '../../../../src/providers/huishouqian/module.js';
import { createProviderWebhook } from '../../../../src/server/webhooks/notification-intake.js';
import type { WebhookHandler, WebhookRequest } from '../../../../src/server/webhooks/notification-intake.js';

const MERCHANT_NO = 'HSQ20261122001';
const SIGN_KEY = '0123456789abcdef0123456789abcdef';
const clock = createFixedClock(Date.parse('2026-11-22T11:00:00.000Z'));

let platformKey: KeyObject;
let platformPublicKey: KeyObject;
let forgerKey: KeyObject;

const FIELDS = ['method', 'version', 'format', 'merchantNo', 'signType', 'signContent'] as const;

function signString(fields: Record<string, string>): string {
  const parts = FIELDS.filter((name) => (fields[name] ?? '') !== '').map((name) => `${name}=${fields[name]}`);
  return `${parts.join('&')}&key=${SIGN_KEY}`;
}

/**
 * Stand-in for the Huishouqian adapter's receiver: the fixed-order sign string with the merchant
 * key appended, SHA256withRSA with the platform key, hex signature; answers `SUCCESS`.
 */
function createTestReceiver(): NotificationReceiver {
  return {
    async receive({ body }) {
      const form = new URLSearchParams(body.toString('utf8'));
      const fields = Object.fromEntries(form.entries());
      const signature = Buffer.from(fields['sign'] ?? '', 'hex');
      if (!verify('sha256', Buffer.from(signString(fields)), platformPublicKey, signature)) {
        throw new ForbiddenError('bad signature');
      }
      let content: { actionType?: unknown; complaintId?: unknown };
      try {
        content = JSON.parse(fields['signContent'] ?? '') as typeof content;
      } catch (error) {
        throw new ValidationError('signContent is not JSON', null, { cause: error });
      }
      if (typeof content.actionType !== 'string' || typeof content.complaintId !== 'string') {
        throw new ValidationError('signContent lacks actionType or complaintId');
      }
      return {
        acknowledgement: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'SUCCESS' },
        events: [
          {
            // A stand-in identity for the intake's dedupe (the content carries no id); the real
            // receiver's identity, one per history entry, is tested in huishouqian-notifications.test.ts.
            notificationId: createHash('sha256').update(signature).digest('hex').slice(0, 32),
            complaint: { provider: 'HUISHOUQIAN', merchantNo: fields['merchantNo'] ?? '', complaintId: content.complaintId },
            actionType: content.actionType,
            providerTime: null,
          },
        ],
      };
    },
  };
}

function delivery(options: { complaintId?: string; signWith?: KeyObject; signContent?: string; pad?: number } = {}, account = 'hsq'): WebhookRequest {
  const fields: Record<string, string> = {
    method: 'COMPLAINT_NOTIFY',
    version: '1.0',
    format: 'JSON',
    merchantNo: MERCHANT_NO,
    signType: 'RSA2',
    signContent: options.signContent ?? JSON.stringify({ actionType: 'USER_RESPONSE', complaintId: options.complaintId ?? '200201820261122001' }),
  };
  const signature = sign('sha256', Buffer.from(signString(fields)), options.signWith ?? platformKey).toString('hex');
  const form = new URLSearchParams({ ...fields, sign: signature, ...(options.pad ? { pad: 'x'.repeat(options.pad) } : {}) });
  return {
    account,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(form.toString(), 'utf8'),
  };
}

let dir = '';
let eventLog: EventLog;
let logLines: string[];
let handler: WebhookHandler;

function webhook(log: EventLog): WebhookHandler {
  return createProviderWebhook(huishouqianModule, {
    receivers: new Map([['hsq', createTestReceiver()]]),
    eventLog: log,
    logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    maxBodyBytes: 4096,
    clock,
  });
}

async function stored(log: EventLog = eventLog): Promise<string[]> {
  return (await log.list({ first: 100 })).entries.map((e) => `${e.event.complaint.complaintId}/${e.event.actionType}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'huishouqian-webhook-'));
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  platformKey = platform.privateKey;
  platformPublicKey = platform.publicKey;
  forgerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let logs = 0;
beforeEach(async () => {
  eventLog = await createEventLog({ store: 'sqlite', path: join(dir, `events-${++logs}.sqlite`) });
  logLines = [];
  handler = webhook(eventLog);
  return () => eventLog.close();
});

describe('Huishouqian webhook', () => {
  it('stores a verified notification once and acknowledges every delivery with SUCCESS', async () => {
    const request = delivery();
    for (let i = 0; i < 3; i++) {
      expect(await handler(request)).toEqual({
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'SUCCESS',
      });
    }
    expect(await handler(delivery({ complaintId: '200201820261122002' }))).toMatchObject({ body: 'SUCCESS' });
    expect(await stored()).toEqual(['200201820261122001/USER_RESPONSE', '200201820261122002/USER_RESPONSE']);
    const [entry] = (await eventLog.list({ first: 1 })).entries;
    expect(entry?.event).toMatchObject({
      complaint: { provider: 'HUISHOUQIAN', merchantNo: MERCHANT_NO },
      providerTime: null,
      receivedAt: '2026-11-22T11:00:00.000Z',
    });
  });

  const rejections: [string, () => WebhookRequest, number][] = [
    ['a forged signature', () => delivery({ signWith: forgerKey }), 401],
    ['signContent that is not JSON', () => delivery({ signContent: '{"actionType":' }), 400],
    ['signContent without a complaint', () => delivery({ signContent: '{"actionType":"USER_RESPONSE"}' }), 400],
    ['an oversized body', () => delivery({ pad: 5000 }), 413],
    ['an unknown account', () => delivery({}, 'other'), 404],
  ];

  for (const [name, makeRequest, status] of rejections) {
    it(`rejects ${name} with ${status}, "failure" and no event`, async () => {
      const response = await handler(makeRequest());
      expect(response).toEqual({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'failure' });
      expect(await stored()).toEqual([]);
      const logged = logLines.join('\n');
      expect(logged).toContain(`"status":${status}`);
      expect(logged).not.toContain(SIGN_KEY);
    });
  }

  it('answers 5xx "failure" when the log cannot store, and stores the redelivery once', async () => {
    const broken = await createEventLog({ store: 'sqlite', path: join(dir, 'broken.sqlite') });
    await broken.close();
    const request = delivery();
    expect(await webhook(broken)(request)).toMatchObject({ status: 500, body: 'failure' });
    expect(await handler(request)).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect(await handler(request)).toMatchObject({ status: 200, body: 'SUCCESS' });
    expect(await stored()).toHaveLength(1);
  });
});
