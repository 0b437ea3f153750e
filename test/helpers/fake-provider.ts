import { CAPABILITIES, type Capability } from '../../src/domain/capability.js';
import type { ComplaintKey } from '../../src/domain/complaint-key.js';
import type { Complaint } from '../../src/domain/complaint.js';
import { NotFoundError, UnsupportedError, type ProviderName } from '../../src/domain/errors.js';
import { beijingToday } from '../../src/domain/local-date.js';
import type { NegotiationEntry } from '../../src/domain/negotiation.js';
import type { ComplaintProvider, ProviderLimits } from '../../src/providers/provider.js';

/**
 * An in-memory ComplaintProvider for GraphQL-layer tests (merge order, cursors, batching, cache):
 * no protocol is involved, so this is not a stand-in for a provider's wire behaviour.
 */
export interface FakeProvider extends ComplaintProvider {
  /** Calls per method name. */
  readonly calls: Record<string, number>;
  readonly complaints: Complaint[];
  readonly history: Map<string, NegotiationEntry[]>;
  /** When set, every call rejects with it. */
  failure: Error | null;
  add(complaint: Complaint): void;
}

export interface FakeProviderOptions {
  provider?: ProviderName;
  merchantNo: string;
  name?: string;
  /** The calling account (a service provider's mchid for its sub-merchants); default: merchantNo. */
  accountNo?: string;
  capabilities?: Capability[];
  limits?: Partial<ProviderLimits>;
  /** Like WeChat Pay, whose list items have no payer_openid (detail only). */
  listOmitsPayerOpenid?: boolean;
}

export const DEFAULT_FAKE_LIMITS: ProviderLimits = {
  maxWindowDays: 30,
  maxListPageSize: 10,
  maxHistoryPageSize: 5,
  maxReplyLength: 200,
  maxReplyImages: 4,
  maxImageBytes: 1024,
};

export function makeComplaint(key: ComplaintKey, complainedAt: string, overrides: Partial<Complaint> = {}): Complaint {
  return {
    key,
    state: { value: 'PENDING', raw: 'PENDING' },
    complainedAt,
    detail: `complaint ${key.complaintId}`,
    problemDescription: 'refund please',
    problemType: { value: 'REFUND', raw: 'REFUND' },
    userComplaintTimes: 1,
    incomingUserResponse: false,
    fullyRefunded: false,
    applyRefundAmount: 100,
    needImmediateService: false,
    inPlatformService: null,
    // The fake seals nothing: its sealed text is the openid itself.
    payerOpenid: { kind: 'SEALED', sealed: 'openid-1' },
    payerPhone: { kind: 'ENCRYPTED', ciphertext: 'c1pher' },
    orders: [{ transactionId: `t-${key.complaintId}`, outTradeNo: `o-${key.complaintId}`, amount: 1000 }],
    media: [{ kind: { value: 'USER_COMPLAINT_IMAGE', raw: 'USER_COMPLAINT_IMAGE' }, urls: [`https://provider.example/media/${key.complaintId}`] }],
    userTags: [],
    extras: {},
    ...overrides,
  };
}

export function createFakeProvider(options: FakeProviderOptions): FakeProvider {
  const provider = options.provider ?? 'WECHAT_PAY';
  const limits = { ...DEFAULT_FAKE_LIMITS, ...options.limits };
  const capabilities = options.capabilities ?? [...CAPABILITIES];
  const complaints: Complaint[] = [];
  const history = new Map<string, NegotiationEntry[]>();
  const calls: Record<string, number> = {};
  let notificationUrl: string | null = null;

  const fake: FakeProvider = {
    merchant: {
      provider,
      merchantNo: options.merchantNo,
      name: options.name ?? `Merchant ${options.merchantNo}`,
      accountNo: options.accountNo ?? options.merchantNo,
      capabilities,
    },
    limits,
    calls,
    complaints,
    history,
    failure: null,
    add(complaint) {
      complaints.push(complaint);
    },
    listComplaints: async ({ from, to, limit, offset }) => {
      enter('listComplaints');
      const inRange = complaints
        .filter((c) => {
          const day = beijingToday(new Date(Date.parse(c.complainedAt)));
          return day >= from && day <= to;
        })
        // Ties in descending id order on purpose: the gateway must not depend on a provider's tie order.
        .sort((a, b) => Date.parse(b.complainedAt) - Date.parse(a.complainedAt) || (a.key.complaintId < b.key.complaintId ? 1 : -1));
      // Copies, like a real provider: the gateway's caches must never alias this store.
      const items = structuredClone(inRange.slice(offset, offset + limit));
      if (options.listOmitsPayerOpenid) for (const item of items) item.payerOpenid = null;
      return { complaints: items, offset, limit, totalCount: offset === 0 ? inRange.length : null };
    },
    getComplaint: async (complaintId) => {
      enter('getComplaint');
      return structuredClone(find(complaintId));
    },
    getNegotiationHistory: async (complaintId, { limit, offset }) => {
      enter('getNegotiationHistory');
      find(complaintId);
      const entries = history.get(complaintId) ?? [];
      return { entries: structuredClone(entries.slice(offset, offset + limit)), offset, limit, totalCount: offset === 0 ? entries.length : null };
    },
    reply: async (complaintId, reply) => {
      enter('reply', 'REPLY');
      const complaint = find(complaintId);
      complaint.state = { value: 'PROCESSING', raw: 'PROCESSING' };
      record(complaintId, 'MERCHANT_RESPONSE', reply.text);
    },
    replyImmediately: async (complaintId) => {
      enter('replyImmediately', 'IMMEDIATE_REPLY');
      find(complaintId).state = { value: 'PROCESSING', raw: 'PROCESSING' };
      return { logId: record(complaintId, 'MERCHANT_RESPONSE', null) };
    },
    complete: async (complaintId) => {
      enter('complete', 'COMPLETE');
      find(complaintId).state = { value: 'PROCESSED', raw: 'PROCESSED' };
    },
    updateRefundProgress: async (complaintId, input) => {
      enter('updateRefundProgress', 'REFUND_PROGRESS');
      find(complaintId);
      record(complaintId, input.action === 'APPROVE' ? 'MERCHANT_APPROVE_REFUND' : 'MERCHANT_REFUSE_RERUND', null);
    },
    uploadImage: async (image) => {
      enter('uploadImage', 'IMAGE_UPLOAD');
      return { mediaId: `media-${image.filename}-${image.bytes.length}` };
    },
    downloadMedia: async () => {
      enter('downloadMedia', 'IMAGE_DOWNLOAD');
      throw new UnsupportedError(provider, 'IMAGE_DOWNLOAD', 'the fake provider stores no images');
    },
    revealPayerPhone: async (complaint) => {
      enter('revealPayerPhone');
      return complaint.payerPhone === null ? null : '13800000000';
    },
    revealPayerOpenid: async (complaint) => complaint.payerOpenid?.sealed ?? null,
    getNotificationUrl: async () => {
      enter('getNotificationUrl', 'NOTIFICATION_URL');
      return notificationUrl;
    },
    createNotificationUrl: async (url) => {
      enter('createNotificationUrl', 'NOTIFICATION_URL');
      notificationUrl = url;
      return url;
    },
    updateNotificationUrl: async (url) => {
      enter('updateNotificationUrl', 'NOTIFICATION_URL');
      notificationUrl = url;
      return url;
    },
    deleteNotificationUrl: async () => {
      enter('deleteNotificationUrl', 'NOTIFICATION_URL');
      notificationUrl = null;
    },
  };

  function enter(method: string, capability?: Capability): void {
    calls[method] = (calls[method] ?? 0) + 1;
    if (fake.failure) throw fake.failure;
    if (capability !== undefined && !capabilities.includes(capability)) throw new UnsupportedError(provider, capability);
  }

  function find(complaintId: string): Complaint {
    const complaint = complaints.find((c) => c.key.complaintId === complaintId);
    if (complaint === undefined) throw new NotFoundError(`no complaint ${complaintId}`);
    return complaint;
  }

  function record(complaintId: string, operateType: NegotiationEntry['operateType']['value'], details: string | null): string {
    const entries = history.get(complaintId) ?? [];
    const logId = `log-${complaintId}-${entries.length + 1}`;
    entries.push({
      logId,
      operator: 'merchant',
      operateType: { value: operateType, raw: operateType },
      operatedAt: '2026-11-01T10:00:00+08:00',
      operatedAtRaw: '2026-11-01T10:00:00+08:00',
      details,
      images: [],
      media: null,
      message: null,
      click: null,
      platformServiceReason: null,
      extras: {},
    });
    history.set(complaintId, entries);
    return logId;
  }

  return fake;
}
