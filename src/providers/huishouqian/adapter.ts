import { Readable } from 'node:stream';
import type { Capability } from '../../domain/capability.js';
import type { PiiCipher } from '../../crypto/pii-cipher.js';
import { COMPLAINT_STATES, type Complaint, type SealedPii } from '../../domain/complaint.js';
import { complaintNotFound, ForbiddenError, NotFoundError, ProviderError, UnsupportedError, ValidationError } from '../../domain/errors.js';
import type { Merchant } from '../../domain/merchant.js';
import { OPERATE_TYPES } from '../../domain/negotiation.js';
import { toOpenEnum } from '../../domain/open-enum.js';
import { detectImageType, imageContentType } from '../image-type.js';
import type { ComplaintProvider, ProviderLimits } from '../provider.js';
import { checkComplaintId, checkDateWindow, checkPage } from '../request-checks.js';
import { revealSealed } from '../sealed-pii.js';
import type { HuishouqianClient } from './client.js';
import type { HuishouqianComplaint } from './wire.js';

/** Images of the negotiation history (the only media Huishouqian returns); WeChat's name for them. */
const DOWNLOAD_MEDIA_TYPE = 'OPERATION_IMAGE';

const HUISHOUQIAN_LIMITS: ProviderLimits = {
  // Undocumented; the WeChat rule it relays is assumed (spec 1.2).
  maxWindowDays: 30,
  maxListPageSize: 500,
  maxHistoryPageSize: 300,
  maxReplyLength: 200,
  maxReplyImages: 4,
  maxImageBytes: 2 * 1024 * 1024,
};

/** A runaway answer (every page full) stops here rather than looping: no real order has this many complaints. */
const MAX_TRADE_NO_MATCHES = 5_000;

/** `yyyyMMddHHmmss` in Beijing time → ISO 8601 with +08:00. */
function beijingTimestamp(text: string): string {
  const [y, mo, d, h, mi, s] = [text.slice(0, 4), text.slice(4, 6), text.slice(6, 8), text.slice(8, 10), text.slice(10, 12), text.slice(12, 14)];
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
}

/** Sealed as mapped (`pii`): the complaint is cached, and Huishouqian sends payer phone and openid in clear. */
export function complaintFromWire(wire: HuishouqianComplaint, merchantNo: string, pii: PiiCipher): Complaint {
  const extras: Record<string, unknown> = {};
  if (wire.agentNo) extras['agentNo'] = wire.agentNo;
  return {
    key: { provider: 'HUISHOUQIAN', merchantNo: wire.merchantNo ?? merchantNo, complaintId: wire.complaintId },
    state: toOpenEnum(COMPLAINT_STATES, wire.complaintState),
    complainedAt: beijingTimestamp(wire.complaintTime),
    detail: wire.complaintDetail ?? '',
    problemDescription: wire.problemDescription ?? null,
    problemType: null,
    userComplaintTimes: wire.userComplaintTimes ?? 1,
    incomingUserResponse: wire.incomingUserResponse ?? false,
    fullyRefunded: wire.complaintFullRefunded ?? false,
    applyRefundAmount: null,
    needImmediateService: false,
    inPlatformService: null,
    payerOpenid: wire.payerOpenid ? pii.seal(wire.payerOpenid) : null,
    // Huishouqian decrypts WeChat's value and sends it in clear (spec 1.4).
    payerPhone: wire.payerPhone ? pii.seal(wire.payerPhone) : null,
    orders: wire.merchantTradeNo ? [{ transactionId: null, outTradeNo: wire.merchantTradeNo, amount: wire.amount ?? 0 }] : [],
    media: [],
    userTags: [],
    extras,
  };
}

/**
 * Request fields that only a third-party client's models carry (spec 2: my6521/wwb-paylink), not
 * Huishouqian's documentation. Each is off (not sent) unless set, since the real API may refuse
 * what it does not know, or require what it does.
 */
export interface HuishouqianThirdPartyFields {
  /** COMPLAINT_COMMIT_RESPONSE `actType`, an int of unknown meaning (spec 4.10), sent as given. */
  replyActType?: number;
  /** COMPLAINT_COMMIT_COMPLETE `responseContent` (with an empty `responseImages`), as the model sends both. */
  completeResponseContent?: string;
}

export interface HuishouqianAdapterOptions {
  client: HuishouqianClient;
  merchant: Merchant;
  agentMerchantNo: string | null;
  /** Seals payer phones and openids as they are mapped; opens them in `revealPayer*`. */
  pii: PiiCipher;
  /** Default: none sent. */
  thirdPartyFields?: HuishouqianThirdPartyFields;
}

/**
 * One Huishouqian merchant. What Huishouqian does not offer (refund approval, immediate replies,
 * notification-URL management) is not in the merchant's capabilities and throws UnsupportedError.
 */
export function createHuishouqianAdapter(options: HuishouqianAdapterOptions): ComplaintProvider {
  const { client, merchant, agentMerchantNo, pii, thirdPartyFields = {} } = options;
  const { replyActType, completeResponseContent } = thirdPartyFields;
  const agent = agentMerchantNo === null ? {} : { agentMerchantNo };
  const require = (capability: Capability): void => {
    if (!merchant.capabilities.includes(capability)) throw new UnsupportedError('HUISHOUQIAN', capability);
  };
  // Each call is signed by the merchant itself: a complaint without an owner field is its own.
  const ownedByThisMerchant = (complaint: HuishouqianComplaint): boolean => complaint.merchantNo == null || complaint.merchantNo === merchant.merchantNo;

  const fromWire = (complaint: HuishouqianComplaint): Complaint => complaintFromWire(complaint, merchant.merchantNo, pii);

  const adapter: ComplaintProvider = {
    merchant,
    limits: HUISHOUQIAN_LIMITS,

    async listComplaints(query) {
      require('LIST_COMPLAINTS');
      const { from, to } = checkDateWindow(query.from, query.to, HUISHOUQIAN_LIMITS.maxWindowDays, 'Huishouqian');
      checkPage(query.limit, query.offset, HUISHOUQIAN_LIMITS.maxListPageSize);
      const result = await client.queryComplaints({ beginDate: from, endDate: to, limit: query.limit, offset: query.offset, ...agent });
      // Fail closed on a page with another merchant's complaint (an agent's call might see siblings).
      if (!(result.data ?? []).every(ownedByThisMerchant)) {
        throw new ProviderError('Huishouqian listed a complaint of another merchant', {
          provider: 'HUISHOUQIAN',
          providerCode: 'FOREIGN_COMPLAINT',
          httpStatus: 200,
          retryable: false,
        });
      }
      return {
        complaints: (result.data ?? []).map(fromWire),
        offset: result.offset ?? query.offset,
        limit: query.limit,
        totalCount: result.totalSize ?? null,
      };
    },

    async getComplaint(complaintId) {
      require('COMPLAINT_DETAIL');
      checkComplaintId(complaintId);
      const result = await client.queryComplaints({ complaintId, limit: 1, ...agent }).catch((error: unknown) => {
        // "Merchant mismatch" (130004) reads exactly like an unknown id (130003).
        throw error instanceof ForbiddenError || error instanceof NotFoundError ? complaintNotFound() : error;
      });
      const found = result.data?.[0];
      // Another merchant's complaint (under the same agent) does not exist for this one.
      if (!found || !ownedByThisMerchant(found)) throw complaintNotFound();
      return fromWire(found);
    },

    async findByOutTradeNo(outTradeNo) {
      require('LIST_COMPLAINTS');
      // spec 1.2: merchantTradeNo string[1,64]. A number no order can have finds nothing, as a scan would
      // (the feed compares both paths), and is never sent.
      if (!/^[\x21-\x7e]{1,64}$/.test(outTradeNo)) return [];
      const found: Complaint[] = [];
      const limit = HUISHOUQIAN_LIMITS.maxListPageSize;
      // One call in practice (an order has few complaints); pages on only if Huishouqian says there are more.
      for (let offset = 0; offset < MAX_TRADE_NO_MATCHES; offset += limit) {
        const result = await client.queryComplaints({ merchantTradeNo: outTradeNo, limit, offset, ...agent });
        const data = result.data ?? [];
        // Another merchant's complaint (under the same agent) does not exist for this one, as in getComplaint;
        // the exact number is checked too, in case Huishouqian matches more loosely than documented.
        for (const c of data) if (ownedByThisMerchant(c) && c.merchantTradeNo === outTradeNo) found.push(fromWire(c));
        if (data.length < limit || (result.totalSize != null && offset + data.length >= result.totalSize)) break;
      }
      return found;
    },

    async getNegotiationHistory(complaintId, page) {
      require('NEGOTIATION_HISTORY');
      checkComplaintId(complaintId);
      checkPage(page.limit, page.offset, HUISHOUQIAN_LIMITS.maxHistoryPageSize);
      const result = await client.queryHistory({ complaintId, limit: page.limit, offset: page.offset });
      return {
        entries: (result.data ?? []).map((entry) => ({
          logId: entry.logId,
          operator: entry.operator ?? '',
          operateType: toOpenEnum(OPERATE_TYPES, entry.operateType),
          // One odd time must not fail the page: the entry keeps the raw value.
          operatedAt: /^\d{14}$/.test(entry.operateTime) ? beijingTimestamp(entry.operateTime) : null,
          operatedAtRaw: entry.operateTime,
          details: entry.operateDetails ?? null,
          images: entry.imageList ?? [],
          media: null,
          message: null,
          click: null,
          platformServiceReason: null,
          extras: {},
        })),
        offset: result.offset ?? page.offset,
        limit: page.limit,
        totalCount: result.totalSize ?? null,
      };
    },

    async reply(complaintId, reply) {
      require('REPLY');
      checkComplaintId(complaintId);
      if (reply.text.trim().length === 0 || [...reply.text].length > HUISHOUQIAN_LIMITS.maxReplyLength) {
        throw new ValidationError(`text must be 1 to ${HUISHOUQIAN_LIMITS.maxReplyLength} characters`, 'text');
      }
      if (reply.imageMediaIds.length > HUISHOUQIAN_LIMITS.maxReplyImages) throw new ValidationError('A reply carries at most 4 images', 'imageMediaIds');
      if (reply.jumpUrl !== null || reply.miniProgram !== null) throw new UnsupportedError('HUISHOUQIAN', 'REPLY', 'Huishouqian replies carry no links');
      await client.commitResponse({
        complaintId,
        responseContent: reply.text,
        responseImages: reply.imageMediaIds,
        ...(replyActType === undefined ? {} : { actType: replyActType }),
      });
    },

    async replyImmediately() {
      throw new UnsupportedError('HUISHOUQIAN', 'IMMEDIATE_REPLY');
    },

    async complete(complaintId) {
      require('COMPLETE');
      checkComplaintId(complaintId);
      await client.commitComplete({
        complaintId,
        ...(completeResponseContent === undefined ? {} : { responseContent: completeResponseContent, responseImages: [] }),
      });
    },

    async updateRefundProgress() {
      throw new UnsupportedError('HUISHOUQIAN', 'REFUND_PROGRESS');
    },

    async uploadImage(image) {
      require('IMAGE_UPLOAD');
      if (image.bytes.length === 0 || image.bytes.length > HUISHOUQIAN_LIMITS.maxImageBytes)
        throw new ValidationError('The image must be 1 byte to 2 MB', 'file');
      const result = await client.uploadFile({ img: Buffer.from(image.bytes).toString('base64') });
      return { mediaId: result.fileId };
    },

    async downloadMedia({ url, complaintId }) {
      require('IMAGE_DOWNLOAD');
      checkComplaintId(complaintId);
      // The answer is a whole file in JSON, not a stream: its size is checked on the decoded bytes.
      const result = await client.downloadFile({ complaintId, mediaUrl: url, mediaType: DOWNLOAD_MEDIA_TYPE });
      const bytes = Buffer.from(result.bytes, 'base64');
      const type = detectImageType(bytes);
      if (bytes.length > HUISHOUQIAN_LIMITS.maxImageBytes || type === null) {
        throw new ProviderError('Huishouqian sent no acceptable image', {
          provider: 'HUISHOUQIAN',
          providerCode: 'MEDIA_NOT_IMAGE',
          httpStatus: 200,
          retryable: false,
        });
      }
      return { contentType: imageContentType(type), contentLength: bytes.length, body: Readable.from([bytes]) };
    },

    async revealPayerPhone(complaint) {
      return revealSealed(pii, complaint, sealedPhone, adapter);
    },

    async revealPayerOpenid(complaint) {
      return revealSealed(pii, complaint, (c) => c.payerOpenid, adapter);
    },

    async getNotificationUrl() {
      throw new UnsupportedError('HUISHOUQIAN', 'NOTIFICATION_URL', 'Huishouqian staff configure the notification URL; it cannot be managed through the API');
    },
    async createNotificationUrl() {
      throw new UnsupportedError('HUISHOUQIAN', 'NOTIFICATION_URL');
    },
    async updateNotificationUrl() {
      throw new UnsupportedError('HUISHOUQIAN', 'NOTIFICATION_URL');
    },
    async deleteNotificationUrl() {
      throw new UnsupportedError('HUISHOUQIAN', 'NOTIFICATION_URL');
    },
  };
  return adapter;
}

/** This adapter seals every phone it maps. */
function sealedPhone(complaint: Complaint): SealedPii | null {
  return complaint.payerPhone?.kind === 'SEALED' ? complaint.payerPhone : null;
}
