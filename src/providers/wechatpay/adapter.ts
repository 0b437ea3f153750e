import type { KeyObject } from 'node:crypto';
import type { PiiCipher } from '../../crypto/pii-cipher.js';
import type { Capability } from '../../domain/capability.js';
import { COMPLAINT_STATES, MEDIA_KINDS, PROBLEM_TYPES, type Complaint, type ComplaintMedia } from '../../domain/complaint.js';
import { complaintNotFound, ForbiddenError, NotFoundError, ProviderError, UnsupportedError, ValidationError } from '../../domain/errors.js';
import type { Merchant } from '../../domain/merchant.js';
import { OPERATE_TYPES, type NegotiationEntry } from '../../domain/negotiation.js';
import { toOpenEnum } from '../../domain/open-enum.js';
import type { ComplaintPage, ComplaintProvider, ListComplaintsQuery, ProviderLimits } from '../provider.js';
import { checkComplaintId, checkDateWindow, checkPage } from '../request-checks.js';
import { revealSealed } from '../sealed-pii.js';
import type { WechatPayClient } from './client.js';
import { messageFromWire, messageToWire } from './message-mapping.js';
import { fromProtocolError } from './error-codes.js';
import { WechatPayProtocolError } from './protocol/errors.js';
import { MAX_IMAGE_BYTES } from './protocol/image.js';
import type { PublicImageFetcher } from './public-image.js';
import { decryptOaep } from './protocol/rsa-oaep.js';
import type { ComplaintInfo, NegotiationRecord } from './wire.js';

const WECHAT_PAY_LIMITS: ProviderLimits = {
  maxWindowDays: 30,
  maxListPageSize: 50,
  maxHistoryPageSize: 300,
  // The merchant page says 200, a newer partner page 500: 200 is accepted everywhere (spec 3.4).
  maxReplyLength: 200,
  maxReplyImages: 4,
  maxImageBytes: MAX_IMAGE_BYTES,
};

export interface WechatPayAdapterOptions {
  client: WechatPayClient;
  merchant: Merchant;
  /** The calling merchant's key: payer_phone is encrypted for it. */
  privateKey: KeyObject;
  /** Plain GET of the history's public `image_list` URLs (spec 2.2), restricted to the account's image hosts. */
  fetchPublicImage: PublicImageFetcher;
  /** Seals payer openids as they are mapped; opens them in `revealPayerOpenid`. */
  pii: PiiCipher;
}

// APIv3 takes only characters of 1–3 UTF-8 bytes; an emoji would be refused after the call.
const FOUR_BYTE_CHARACTER = /[\u{10000}-\u{10FFFF}]/u;

function checkText(text: string, field: string, max: number): void {
  if (text.trim().length === 0) throw new ValidationError(`${field} must not be empty`, field);
  if ([...text].length > max) throw new ValidationError(`${field} is longer than ${max} characters`, field);
  if (FOUR_BYTE_CHARACTER.test(text)) throw new ValidationError(`${field} contains characters WeChat Pay does not accept (emoji)`, field);
}

function mediaFromWire(media: { media_type: string; media_url?: string[] | undefined }): ComplaintMedia {
  return { kind: toOpenEnum(MEDIA_KINDS, media.media_type), urls: media.media_url ?? [] };
}

/** `pii` seals the openid; the phone stays as WeChat encrypted it for the merchant (decrypted only in `revealPayerPhone`). */
export function complaintFromWire(info: ComplaintInfo, merchantNo: string, pii: PiiCipher): Complaint {
  const extras: Record<string, unknown> = {};
  if (info.service_order_info !== undefined) extras['serviceOrders'] = info.service_order_info;
  if (info.additional_info !== undefined) extras['additionalInfo'] = info.additional_info;
  if (info.is_agent_mode !== undefined) extras['agentMode'] = info.is_agent_mode;
  return {
    key: { provider: 'WECHAT_PAY', merchantNo: info.complainted_mchid ?? merchantNo, complaintId: info.complaint_id },
    state: toOpenEnum(COMPLAINT_STATES, info.complaint_state),
    complainedAt: info.complaint_time,
    detail: info.complaint_detail,
    problemDescription: info.problem_description ?? null,
    problemType: info.problem_type === undefined ? null : toOpenEnum(PROBLEM_TYPES, info.problem_type),
    userComplaintTimes: info.user_complaint_times ?? 1,
    incomingUserResponse: info.incoming_user_response ?? false,
    fullyRefunded: info.complaint_full_refunded ?? false,
    applyRefundAmount: info.apply_refund_amount ?? null,
    needImmediateService: info.need_immediate_service ?? false,
    inPlatformService: info.in_platform_service ?? null,
    payerOpenid: info.payer_openid ? pii.seal(info.payer_openid) : null,
    payerPhone: info.payer_phone ? { kind: 'ENCRYPTED', ciphertext: info.payer_phone } : null,
    orders: (info.complaint_order_info ?? []).map((order) => ({
      transactionId: order.transaction_id ?? null,
      outTradeNo: order.out_trade_no,
      amount: order.amount,
    })),
    media: (info.complaint_media_list ?? []).map(mediaFromWire),
    userTags: info.user_tag_list ?? [],
    extras,
  };
}

/** Codes a 400 may carry for "no notification URL registered" (undocumented: spec 5.5). */
const NO_URL_CODE = /NOT_?(FOUND|EXISTS?|SET)/i;

/** The record fields the model has a place for; anything else WeChat sends goes to `extras`. */
const MAPPED_RECORD_FIELDS = new Set([
  'log_id',
  'operator',
  'operate_time',
  'operate_type',
  'operate_details',
  'image_list',
  'complaint_media_list',
  'normal_message',
  'click_message',
  'user_appy_platform_service_reason',
  'user_appy_platform_service_reason_description',
]);

function negotiationEntryFromWire(record: NegotiationRecord): NegotiationEntry {
  const { click_message: click, user_appy_platform_service_reason: reason } = record;
  return {
    logId: record.log_id,
    operator: record.operator,
    operateType: toOpenEnum(OPERATE_TYPES, record.operate_type),
    operatedAt: Number.isNaN(Date.parse(record.operate_time)) ? null : record.operate_time,
    operatedAtRaw: record.operate_time,
    click:
      click === undefined ? null : { content: click.message_content ?? null, actionId: click.action_id ?? null, clickedLogId: click.clicked_log_id ?? null },
    platformServiceReason: reason === undefined ? null : { reason, description: record.user_appy_platform_service_reason_description ?? null },
    extras: Object.fromEntries(Object.entries(record).filter(([key]) => !MAPPED_RECORD_FIELDS.has(key))),
    details: record.operate_details ?? null,
    images: record.image_list ?? [],
    // An object here, an array in ComplaintInfo (spec 7.6).
    media: record.complaint_media_list ? mediaFromWire(record.complaint_media_list) : null,
    message: record.normal_message ? messageFromWire(record.normal_message) : null,
  };
}

/** Protocol failures surfacing through the adapter (a refused image, an undecryptable field) become domain errors. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof WechatPayProtocolError ? fromProtocolError(error, 'answer') : error;
  }
}

/**
 * One merchant (direct, or a sub-merchant addressed through `complainted_mchid`) over one client.
 *
 * WeChat scopes a service provider's calls by the calling account, not by the sub-merchant: detail
 * and history answer for any sibling's complaint, and refund progress carries no merchant at all.
 * So every complaint is checked against the owner WeChat states (`complainted_mchid`), never
 * against the id the caller sent.
 */
export function createWechatPayAdapter(options: WechatPayAdapterOptions): ComplaintProvider {
  const { client, merchant, privateKey, fetchPublicImage, pii } = options;
  const mchid = merchant.merchantNo;
  // A direct merchant's calls see only its own complaints; it alone may be trusted when WeChat omits the owner.
  const isAccountItself = mchid === client.mchid;
  const ownedByThisMerchant = (info: ComplaintInfo): boolean => (info.complainted_mchid === undefined ? isAccountItself : info.complainted_mchid === mchid);

  const requireCapability = (capability: Capability): void => {
    if (!merchant.capabilities.includes(capability)) throw new UnsupportedError('WECHAT_PAY', capability);
  };

  const adapter: ComplaintProvider = {
    merchant,
    limits: WECHAT_PAY_LIMITS,

    async listComplaints(query: ListComplaintsQuery): Promise<ComplaintPage> {
      requireCapability('LIST_COMPLAINTS');
      const { from, to } = checkDateWindow(query.from, query.to, WECHAT_PAY_LIMITS.maxWindowDays, 'WeChat Pay');
      checkPage(query.limit, query.offset, WECHAT_PAY_LIMITS.maxListPageSize);
      return guarded(async () => {
        const page = await client.listComplaints({
          begin_date: from,
          end_date: to,
          limit: query.limit,
          offset: query.offset,
          // Always named: an unfiltered list of a service provider holds every sub-merchant's complaints.
          complainted_mchid: mchid,
        });
        // A page that holds another merchant's complaint is not trusted at all (fail closed): dropping
        // the item would shift every offset after it.
        if (!(page.data ?? []).every(ownedByThisMerchant)) {
          throw new ProviderError('WeChat Pay listed a complaint of another merchant', {
            provider: 'WECHAT_PAY',
            providerCode: 'FOREIGN_COMPLAINT',
            httpStatus: 200,
            retryable: false,
          });
        }
        return {
          complaints: (page.data ?? []).map((info) => complaintFromWire(info, mchid, pii)),
          offset: page.offset,
          limit: page.limit,
          totalCount: page.total_count ?? null,
        };
      });
    },

    async getComplaint(complaintId) {
      requireCapability('COMPLAINT_DETAIL');
      checkComplaintId(complaintId);
      return guarded(async () => {
        let info: ComplaintInfo;
        try {
          info = await client.getComplaint(complaintId);
        } catch (error) {
          // NO_AUTH (another account's) reads exactly like an unknown id: to this merchant neither exists.
          if (error instanceof ForbiddenError || error instanceof NotFoundError) throw complaintNotFound();
          throw error;
        }
        if (!ownedByThisMerchant(info)) throw complaintNotFound();
        return complaintFromWire(info, mchid, pii);
      });
    },

    async getNegotiationHistory(complaintId, page) {
      requireCapability('NEGOTIATION_HISTORY');
      checkComplaintId(complaintId);
      checkPage(page.limit, page.offset, WECHAT_PAY_LIMITS.maxHistoryPageSize);
      return guarded(async () => {
        const history = await client.getNegotiationHistory(complaintId, page);
        return {
          entries: (history.data ?? []).map(negotiationEntryFromWire),
          offset: history.offset,
          limit: history.limit,
          totalCount: history.total_count ?? null,
        };
      });
    },

    async reply(complaintId, reply) {
      requireCapability('REPLY');
      checkComplaintId(complaintId);
      checkText(reply.text, 'text', WECHAT_PAY_LIMITS.maxReplyLength);
      if (reply.imageMediaIds.length > WECHAT_PAY_LIMITS.maxReplyImages) {
        throw new ValidationError(`A reply carries at most ${WECHAT_PAY_LIMITS.maxReplyImages} images`, 'imageMediaIds');
      }
      if (reply.jumpUrl !== null) {
        if (!reply.jumpUrl.url.startsWith('https://') || reply.jumpUrl.url.length > 512)
          throw new ValidationError('jumpUrl must be an https URL of at most 512 characters', 'jumpUrl.url');
        checkText(reply.jumpUrl.text, 'jumpUrl.text', 10);
      }
      await guarded(() =>
        client.reply(complaintId, {
          complainted_mchid: mchid,
          response_content: reply.text,
          ...(reply.imageMediaIds.length > 0 ? { response_images: reply.imageMediaIds } : {}),
          ...(reply.jumpUrl ? { jump_url: reply.jumpUrl.url, jump_url_text: reply.jumpUrl.text } : {}),
          ...(reply.miniProgram
            ? { mini_program_jump_info: { appid: reply.miniProgram.appId, path: reply.miniProgram.path, text: reply.miniProgram.text } }
            : {}),
        }),
      );
    },

    async replyImmediately(complaintId, input) {
      requireCapability('IMMEDIATE_REPLY');
      checkComplaintId(complaintId);
      if (input.message.blocks.length === 0) throw new ValidationError('The message needs at least one block', 'message.blocks');
      if (!/^[\x21-\x7e]{1,128}$/.test(input.idempotencyKey))
        throw new ValidationError('idempotencyKey must be 1 to 128 printable ASCII characters', 'idempotencyKey');
      return guarded(async () => {
        const answer = await client.replyImmediately(complaintId, {
          complainted_mchid: mchid,
          message: messageToWire(input.message),
          idempotent_id: input.idempotencyKey,
        });
        return { logId: answer.log_id };
      });
    },

    async complete(complaintId) {
      requireCapability('COMPLETE');
      checkComplaintId(complaintId);
      try {
        await guarded(() => client.complete(complaintId, mchid));
      } catch (error) {
        // WeChat refuses to complete twice; for the merchant the complaint is done, which is success.
        if (error instanceof ValidationError) {
          const current = await guarded(() => client.getComplaint(complaintId));
          if (current.complaint_state === 'PROCESSED') return;
        }
        throw error;
      }
    },

    async updateRefundProgress(complaintId, input) {
      requireCapability('REFUND_PROGRESS');
      checkComplaintId(complaintId);
      if (input.remark !== null && [...input.remark].length > 200) throw new ValidationError('remark is longer than 200 characters', 'remark');
      const remark = input.remark === null ? {} : { remark: input.remark };
      if (input.action === 'APPROVE') {
        const { launchRefundDay } = input;
        // Optional on the wire (spec 3.6): null leaves it out rather than inventing a default.
        if (launchRefundDay !== null && (!Number.isInteger(launchRefundDay) || launchRefundDay < 0))
          throw new ValidationError('launchRefundDay must be 0 or more working days', 'launchRefundDay');
        const day = launchRefundDay === null ? {} : { launch_refund_day: launchRefundDay };
        await guarded(() => client.updateRefundProgress(complaintId, { action: 'APPROVE', ...day, ...remark }));
        return;
      }
      checkText(input.rejectReason, 'rejectReason', 200);
      if (input.rejectMediaIds.length > 4) throw new ValidationError('At most 4 evidence images', 'rejectMediaIds');
      await guarded(() =>
        client.updateRefundProgress(complaintId, {
          action: 'REJECT',
          reject_reason: input.rejectReason,
          ...(input.rejectMediaIds.length > 0 ? { reject_media_list: input.rejectMediaIds } : {}),
          ...remark,
        }),
      );
    },

    async uploadImage(image) {
      requireCapability('IMAGE_UPLOAD');
      return guarded(async () => ({ mediaId: (await client.uploadImage(image.filename, image.bytes)).media_id }));
    },

    async downloadMedia({ url, source = 'COMPLAINT_MEDIA' }) {
      requireCapability('IMAGE_DOWNLOAD');
      // A history image_list URL is public and short-lived and must not be signed (spec 2.2, endpoint
      // 13 note); complaint_media_list URLs are endpoint 13 downloads. Where the URL was found decides,
      // never what it looks like, so neither kind can be sent down the other's path.
      if (source === 'HISTORY_IMAGE') return fetchPublicImage(url, WECHAT_PAY_LIMITS.maxImageBytes);
      return guarded(() => client.downloadMedia(url, WECHAT_PAY_LIMITS.maxImageBytes));
    },

    async revealPayerPhone(complaint) {
      const phone = complaint.payerPhone;
      // This adapter seals no phone: WeChat's own encryption is what the cache holds.
      if (phone === null || phone.kind !== 'ENCRYPTED') return null;
      return guarded(async () => decryptOaep(phone.ciphertext, privateKey));
    },

    async revealPayerOpenid(complaint) {
      return revealSealed(pii, complaint, (c) => c.payerOpenid, adapter);
    },

    async getNotificationUrl() {
      requireCapability('NOTIFICATION_URL');
      return guarded(async () => {
        // No URL registered yet is an answer, not a failure. WeChat does not document how it says so:
        // a 404, a 400 whose code says "not found / not set", or a 200 with an empty url all mean none.
        try {
          const { url } = await client.getNotificationUrl();
          return url === '' ? null : url;
        } catch (error) {
          if (error instanceof NotFoundError) return null;
          // A 400 with PARAM_ERROR/INVALID_REQUEST arrives as a ValidationError, any other 400 code (RESOURCE_NOT_EXISTS) as a ProviderError.
          const answer = error instanceof ValidationError ? error.cause : error;
          if (answer instanceof ProviderError && answer.httpStatus === 400 && NO_URL_CODE.test(answer.providerCode ?? '')) return null;
          throw error;
        }
      });
    },

    async createNotificationUrl(url) {
      requireCapability('NOTIFICATION_URL');
      return guarded(async () => (await client.createNotificationUrl(url)).url);
    },

    async updateNotificationUrl(url) {
      requireCapability('NOTIFICATION_URL');
      return guarded(async () => (await client.updateNotificationUrl(url)).url);
    },

    async deleteNotificationUrl() {
      requireCapability('NOTIFICATION_URL');
      await guarded(() => client.deleteNotificationUrl());
    },
  };
  return adapter;
}
