import { OPERATE_TYPES } from '../../domain/negotiation.js';
import type { Clock } from '../../providers/http/clock.js';
import { beijingDate } from '../beijing-time.js';
import { invalidRequest, noAuth, notFound } from './api-error.js';
import type { ComplaintRecord, HistoryEntry, StoredImage } from './complaint-record.js';
import { createPng } from './images.js';
import type { SandboxMerchant, SeedData } from './seed.js';

/** What a notification carries (spec 4): the action_type for a complaint; every documented one. */
export type ComplaintAction =
  | 'CREATE_COMPLAINT'
  | 'CONTINUE_COMPLAINT'
  | 'USER_RESPONSE'
  | 'RESPONSE_BY_PLATFORM'
  | 'SELLER_REFUND'
  | 'MERCHANT_RESPONSE'
  | 'MERCHANT_CONFIRM_COMPLETE'
  | 'USER_APPLY_PLATFORM_SERVICE'
  | 'USER_CANCEL_PLATFORM_SERVICE'
  | 'PLATFORM_SERVICE_FINISHED'
  | 'MERCHANT_APPROVE_REFUND'
  | 'MERCHANT_REJECT_REFUND'
  | 'REFUND_SUCCESS';

/**
 * What users and WeChat Pay do to a complaint, driven through the control API (the merchant's own
 * actions come through the real endpoints). `RECORD` appends any documented history entry as is,
 * without a notification: the system messages and historic types have no documented action.
 */
export type SandboxEvent =
  | { type: 'USER_RESPONSE' | 'CONTINUE_COMPLAINT'; content?: string }
  | { type: 'PLATFORM_RESPONSE'; content?: string; button?: string }
  | { type: 'USER_CLICK'; clickedLogId?: string; actionId?: string; content?: string }
  | { type: 'USER_APPLY_PLATFORM_SERVICE'; reason?: string; description?: string }
  | { type: 'USER_CANCEL_PLATFORM_SERVICE' | 'PLATFORM_SERVICE_FINISHED' | 'SELLER_REFUND' | 'REFUND_SUCCESS' }
  | { type: 'RECORD'; operateType: string; operator?: string; content?: string; extraFields?: Record<string, unknown> };

export const SANDBOX_EVENT_TYPES = [
  'USER_RESPONSE',
  'CONTINUE_COMPLAINT',
  'PLATFORM_RESPONSE',
  'USER_CLICK',
  'USER_APPLY_PLATFORM_SERVICE',
  'USER_CANCEL_PLATFORM_SERVICE',
  'PLATFORM_SERVICE_FINISHED',
  'SELLER_REFUND',
  'REFUND_SUCCESS',
  'RECORD',
] as const satisfies readonly SandboxEvent['type'][];

/**
 * How `GET complaint-notifications` says "no URL registered": undocumented (spec 3.8, 7.8), so the
 * sandbox can answer each way a client must tolerate: 404 RESOURCE_NOT_EXISTS, 400 RESOURCE_NOT_EXISTS,
 * or 200 with `url: ""`.
 */
export type NoNotificationUrlAnswer = 404 | 400 | 200;

const USER = '投诉人';
const PLATFORM = '微信支付';
const CUSTOMER_SERVICE = '微信支付客服';

export interface FileComplaintInput {
  complaintedMchid: string;
  detail?: string;
  problemDescription?: string;
  problemType?: 'REFUND' | 'SERVICE_NOT_WORK' | 'OTHERS';
  applyRefundAmount?: number;
  amount?: number;
  outTradeNo?: string;
  payerPhone?: string;
  needImmediateService?: boolean;
  userTags?: ('TRUSTED' | 'HIGH_RISK')[];
}

const MEDIA_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface SandboxStateOptions {
  clock: Clock;
  merchants: readonly SandboxMerchant[];
  onAction(complaint: ComplaintRecord, action: ComplaintAction): void;
}

/** In-memory complaints, media and notification URLs, and the complaint state machine (spec 2.5, 3.4–3.7). */
export class SandboxState {
  readonly complaints = new Map<string, ComplaintRecord>();
  /** Downloadable media by decoded id (ends with `==`). */
  readonly media = new Map<string, StoredImage>();
  /** Uploaded images by media_id: usable in replies, not downloadable. */
  readonly uploads = new Map<string, StoredImage & { owner: string }>();
  /** One URL per calling mchid. */
  readonly notificationUrls = new Map<string, string>();
  noNotificationUrlAnswer: NoNotificationUrlAnswer = 404;
  readonly #options: SandboxStateOptions;
  #sequence = 0;

  constructor(options: SandboxStateOptions) {
    this.#options = options;
  }

  load(seed: SeedData): void {
    this.complaints.clear();
    this.media.clear();
    this.uploads.clear();
    this.notificationUrls.clear();
    this.noNotificationUrlAnswer = 404;
    this.#sequence = 0;
    for (const complaint of seed.complaints) this.complaints.set(complaint.complaintId, complaint);
    for (const [id, image] of seed.media) this.media.set(id, image);
  }

  merchant(mchid: string): SandboxMerchant | undefined {
    return this.#options.merchants.find((merchant) => merchant.mchid === mchid);
  }

  /** Who calls the API for a complained merchant: itself, or its service provider. */
  callerFor(complaintedMchid: string): string {
    return this.merchant(complaintedMchid)?.spMchid ?? complaintedMchid;
  }

  /** The merchants a caller may act for. */
  servedBy(caller: string): string[] {
    return this.#options.merchants.filter((merchant) => (merchant.spMchid ?? merchant.mchid) === caller).map((merchant) => merchant.mchid);
  }

  /** A complaint the caller may see: 404 when unknown, 403 when it belongs to someone else. */
  complaintFor(caller: string, complaintId: string): ComplaintRecord {
    const complaint = this.complaints.get(complaintId);
    if (complaint === undefined) throw notFound('投诉单不存在');
    if (this.callerFor(complaint.complaintedMchid) !== caller) throw noAuth('无权操作该投诉单');
    return complaint;
  }

  #serial(prefix: string): string {
    this.#sequence += 1;
    return `${prefix}${beijingDate(this.#options.clock.now()).replaceAll('-', '')}${String(this.#sequence).padStart(15, '0')}`;
  }

  /** A new downloadable media id: [A-Za-z0-9] plus `==` (its URL form ends `%3D%3D`, spec 3.10). */
  addMedia(image: StoredImage): string {
    const random = this.#options.clock.nonce(44).replace(/[^A-Za-z0-9]/g, 'A');
    const id = `${random.slice(0, 40)}${MEDIA_ALPHABET[this.media.size % MEDIA_ALPHABET.length] ?? 'A'}==`;
    this.media.set(id, image);
    return id;
  }

  #append(complaint: ComplaintRecord, entry: Omit<HistoryEntry, 'logId' | 'operateTime'>): string {
    const logId = this.#serial('3002');
    complaint.history.push({ ...entry, logId, operateTime: this.#options.clock.now() });
    return logId;
  }

  #emit(complaint: ComplaintRecord, action: ComplaintAction): void {
    this.#options.onAction(complaint, action);
  }

  fileComplaint(input: FileComplaintInput): ComplaintRecord {
    const now = this.#options.clock.now();
    const amount = input.amount ?? 9900;
    const complaint: ComplaintRecord = {
      complaintId: this.#serial('2002'),
      complaintTime: now,
      detail: input.detail ?? '商品与描述不符，联系商家没有回应，申请退款。',
      state: 'PENDING',
      complaintedMchid: input.complaintedMchid,
      ...(input.payerPhone === undefined ? {} : { payerPhone: input.payerPhone }),
      payerOpenid: `oUpF8u${this.#options.clock.nonce(22)}`,
      orders: [{ transaction_id: `42000${this.#serial('').slice(-23)}`, out_trade_no: input.outTradeNo ?? `SB${now}`, amount }],
      userMedia: [this.addMedia({ bytes: createPng(complaintSeed(now)), contentType: 'image/png' })],
      operationMedia: [],
      fullRefunded: false,
      incomingUserResponse: false,
      problemDescription: input.problemDescription ?? (input.problemType === 'REFUND' ? '申请退款' : '商品/服务问题'),
      userComplaintTimes: 1,
      ...(input.problemType === undefined ? {} : { problemType: input.problemType }),
      ...(input.problemType === 'REFUND' ? { applyRefundAmount: input.applyRefundAmount ?? amount } : {}),
      userTags: input.userTags ?? [],
      inPlatformService: false,
      needImmediateService: input.needImmediateService ?? false,
      history: [],
      immediateReplies: new Map(),
    };
    this.#append(complaint, { operator: '投诉人', operateType: 'USER_CREATE_COMPLAINT', operateDetails: complaint.detail, imageIds: [...complaint.userMedia] });
    this.#append(complaint, {
      operator: '微信支付',
      operateType: 'USER_CREATE_COMPLAINT_SYSTEM_MESSAGE',
      operateDetails: '用户发起投诉，请商户尽快处理',
      imageIds: [],
    });
    this.complaints.set(complaint.complaintId, complaint);
    this.#emit(complaint, 'CREATE_COMPLAINT');
    return complaint;
  }

  /** The user writes again; `continueComplaint` files a follow-up complaint (reopens a processed one). */
  userMessage(complaint: ComplaintRecord, content: string, continueComplaint: boolean): string {
    if (continueComplaint) {
      complaint.userComplaintTimes += 1;
      complaint.state = 'PENDING';
      const logId = this.#append(complaint, { operator: '投诉人', operateType: 'USER_CONTINUE_COMPLAINT', operateDetails: content, imageIds: [] });
      // As for a new complaint, WeChat Pay tells the merchant in a system message of its own.
      this.#append(complaint, {
        operator: PLATFORM,
        operateType: 'USER_CONTINUE_COMPLAINT_SYSTEM_MESSAGE',
        operateDetails: '用户继续投诉，请商户尽快处理',
        imageIds: [],
      });
      this.#emit(complaint, 'CONTINUE_COMPLAINT');
      return logId;
    }
    complaint.incomingUserResponse = true;
    const logId = this.#append(complaint, { operator: '投诉人', operateType: 'USER_RESPONSE', operateDetails: content, imageIds: [] });
    this.#emit(complaint, 'USER_RESPONSE');
    return logId;
  }

  /** Media ids must name the caller's own uploads; checked before anything changes. */
  checkUploads(caller: string, mediaIds: readonly string[]): void {
    for (const mediaId of mediaIds) {
      if (this.uploads.get(mediaId)?.owner !== caller) throw invalidRequest(`图片 ${mediaId} 不存在，请先上传`);
    }
  }

  /** Uploaded images become operation media the complaint can show (uploaded ids stay undownloadable). */
  #useUploads(caller: string, mediaIds: readonly string[]): string[] {
    this.checkUploads(caller, mediaIds);
    return mediaIds.flatMap((mediaId) => {
      const upload = this.uploads.get(mediaId);
      return upload === undefined ? [] : [this.addMedia({ bytes: upload.bytes, contentType: upload.contentType })];
    });
  }

  #firstReply(complaint: ComplaintRecord): void {
    if (complaint.state === 'PENDING') complaint.state = 'PROCESSING';
    complaint.incomingUserResponse = false;
  }

  reply(caller: string, complaint: ComplaintRecord, content: string, imageIds: readonly string[]): void {
    const shown = this.#useUploads(caller, imageIds);
    complaint.operationMedia.push(...shown);
    this.#firstReply(complaint);
    this.#append(complaint, { operator: '商户', operateType: 'MERCHANT_RESPONSE', operateDetails: content, imageIds: shown });
    this.#emit(complaint, 'MERCHANT_RESPONSE');
  }

  replyImmediately(caller: string, complaint: ComplaintRecord, idempotentId: string, message: unknown, imageIds: readonly string[]): string {
    const previous = complaint.immediateReplies.get(idempotentId);
    if (previous !== undefined) return previous;
    if (!complaint.needImmediateService) throw invalidRequest('该投诉单不需要即时服务');
    this.checkUploads(caller, imageIds);
    this.#firstReply(complaint);
    const logId = this.#append(complaint, { operator: '商户', operateType: 'MERCHANT_RESPONSE', imageIds: [], normalMessage: message });
    complaint.immediateReplies.set(idempotentId, logId);
    this.#emit(complaint, 'MERCHANT_RESPONSE');
    return logId;
  }

  complete(complaint: ComplaintRecord): void {
    if (complaint.state === 'PROCESSED') throw invalidRequest('投诉单已处理完成，无需重复操作');
    complaint.state = 'PROCESSED';
    this.#append(complaint, { operator: '商户', operateType: 'MERCHANT_CONFIRM_COMPLETE', operateDetails: '商户已反馈处理完成', imageIds: [] });
    this.#emit(complaint, 'MERCHANT_CONFIRM_COMPLETE');
  }

  /**
   * APPROVE: the refund is launched; with launch_refund_day 0 it arrives at once and the complaint is
   * processed; without launch_refund_day (null) the sandbox waits, as for a later day (undocumented).
   * REJECT: processed.
   */
  updateRefundProgress(
    caller: string,
    complaint: ComplaintRecord,
    decision: { action: 'APPROVE'; launchRefundDay: number | null } | { action: 'REJECT'; reason: string; mediaIds: string[] },
  ): void {
    if (complaint.problemType !== 'REFUND') throw invalidRequest('该投诉单不是申请退款类投诉');
    if (complaint.state === 'PROCESSED' || complaint.refundDecision !== undefined) throw invalidRequest('该投诉单的退款申请已处理');
    if (decision.action === 'REJECT') {
      const shown = this.#useUploads(caller, decision.mediaIds);
      complaint.refundDecision = 'REJECT';
      complaint.state = 'PROCESSED';
      this.#append(complaint, { operator: '商户', operateType: 'MERCHANT_REFUSE_RERUND', operateDetails: decision.reason, imageIds: shown });
      this.#emit(complaint, 'MERCHANT_REJECT_REFUND');
      return;
    }
    complaint.refundDecision = 'APPROVE';
    if (complaint.state === 'PENDING') complaint.state = 'PROCESSING';
    this.#append(complaint, {
      operator: '商户',
      operateType: 'MERCHANT_APPROVE_REFUND',
      operateDetails: decision.launchRefundDay === null ? '同意退款' : `同意退款，预计 ${decision.launchRefundDay} 个工作日内发起`,
      imageIds: [],
    });
    this.#emit(complaint, 'MERCHANT_APPROVE_REFUND');
    if (decision.launchRefundDay === 0) this.#refundArrived(complaint);
  }

  #refundArrived(complaint: ComplaintRecord): string {
    complaint.fullRefunded = true;
    complaint.state = 'PROCESSED';
    const logId = this.#append(complaint, {
      operator: PLATFORM,
      operateType: 'COMPLAINT_REFUND_RECEIVED_SYSTEM_MESSAGE',
      operateDetails: '退款已到账',
      imageIds: [],
    });
    this.#emit(complaint, 'REFUND_SUCCESS');
    return logId;
  }

  /** A user or WeChat Pay acts on the complaint: one history entry (and one notification) per event; answers its log_id. */
  applyEvent(complaint: ComplaintRecord, event: SandboxEvent): string {
    switch (event.type) {
      case 'USER_RESPONSE':
        return this.userMessage(complaint, event.content ?? '请问处理进度如何？', false);
      case 'CONTINUE_COMPLAINT':
        return this.userMessage(complaint, event.content ?? '问题仍未解决，继续投诉。', true);
      case 'PLATFORM_RESPONSE': {
        const content = event.content ?? '您好，微信支付客服已介入，请商户尽快与用户协商处理。';
        // With a button, the message is rich (spec 2.4), so a later USER_CLICK has something to click.
        const actionId = `PLATFORM_ACTION_${complaint.history.length + 1}`;
        const normalMessage =
          event.button === undefined
            ? undefined
            : {
                blocks: [
                  { type: 'TEXT', text: { text: content } },
                  {
                    type: 'BUTTON',
                    button: {
                      text: event.button,
                      action: { action_type: 'ACTION_TYPE_SEND_MESSAGE', message_info: { content: event.button }, action_id: actionId },
                    },
                  },
                ],
                sender_identity: 'MANUAL',
              };
        const logId = this.#append(complaint, {
          operator: CUSTOMER_SERVICE,
          operateType: 'PLATFORM_RESPONSE',
          operateDetails: content,
          imageIds: [],
          ...(normalMessage === undefined ? {} : { normalMessage }),
        });
        this.#emit(complaint, 'RESPONSE_BY_PLATFORM');
        return logId;
      }
      case 'USER_CLICK': {
        const clicked = clickTarget(complaint, event.clickedLogId);
        const button = firstSendMessageButton(clicked.normalMessage);
        const content = event.content ?? button?.content ?? '已解决';
        complaint.incomingUserResponse = true;
        const logId = this.#append(complaint, {
          operator: USER,
          operateType: 'USER_CLICK_RESPONSE',
          operateDetails: content,
          imageIds: [],
          clickMessage: {
            message_content: { content },
            action_id: event.actionId ?? button?.actionId ?? `ACTION_${clicked.logId}`,
            clicked_log_id: clicked.logId,
          },
        });
        // Undocumented which action a click sends (spec 4): it is a new user message, so USER_RESPONSE.
        this.#emit(complaint, 'USER_RESPONSE');
        return logId;
      }
      case 'USER_APPLY_PLATFORM_SERVICE': {
        if (complaint.inPlatformService) throw invalidRequest('用户已申请平台协助');
        complaint.inPlatformService = true;
        const logId = this.#append(complaint, {
          operator: USER,
          operateType: 'USER_APPLY_PLATFORM_SERVICE',
          operateDetails: '用户申请微信支付客服介入',
          imageIds: [],
          platformServiceReason: { reason: event.reason ?? '商家未及时处理', description: event.description ?? '等了三天商家一直没有回复，希望平台介入。' },
        });
        this.#emit(complaint, 'USER_APPLY_PLATFORM_SERVICE');
        return logId;
      }
      case 'USER_CANCEL_PLATFORM_SERVICE':
      case 'PLATFORM_SERVICE_FINISHED': {
        if (!complaint.inPlatformService) throw invalidRequest('该投诉单不在平台协助中');
        complaint.inPlatformService = false;
        const byUser = event.type === 'USER_CANCEL_PLATFORM_SERVICE';
        const logId = this.#append(complaint, {
          operator: byUser ? USER : CUSTOMER_SERVICE,
          operateType: event.type,
          operateDetails: byUser ? '用户取消了平台协助' : '微信支付客服协助已结束',
          imageIds: [],
        });
        this.#emit(complaint, event.type);
        return logId;
      }
      case 'SELLER_REFUND': {
        // The merchant refunded in full outside the refund-approval flow; the state is left as it is (undocumented).
        if (complaint.fullRefunded) throw invalidRequest('该投诉单已全额退款');
        complaint.fullRefunded = true;
        const logId = this.#append(complaint, {
          operator: PLATFORM,
          operateType: 'COMPLAINT_FULL_REFUNDED_SYSTEM_MESSAGE',
          operateDetails: '商户已全额退款',
          imageIds: [],
        });
        this.#emit(complaint, 'SELLER_REFUND');
        return logId;
      }
      case 'REFUND_SUCCESS':
        // The refund of an approval without launch_refund_day 0 arrives (spec 2.5: then processed).
        if (complaint.refundDecision !== 'APPROVE' || complaint.fullRefunded) throw invalidRequest('该投诉单没有待到账的退款');
        return this.#refundArrived(complaint);
      case 'RECORD': {
        if (!(OPERATE_TYPES as readonly string[]).includes(event.operateType)) throw invalidRequest(`operate_type ${event.operateType} is not documented`);
        return this.#append(complaint, {
          operator: event.operator ?? defaultOperator(event.operateType),
          operateType: event.operateType,
          ...(event.content === undefined ? {} : { operateDetails: event.content }),
          ...(event.extraFields === undefined ? {} : { extraFields: event.extraFields }),
          imageIds: [],
        });
      }
    }
  }
}

/** The entry a click answers: the one named, else the latest rich message, else the latest one not by the user. */
function clickTarget(complaint: ComplaintRecord, logId: string | undefined): HistoryEntry {
  if (logId !== undefined) {
    const named = complaint.history.find((entry) => entry.logId === logId);
    if (named === undefined) throw invalidRequest(`clicked_log_id ${logId} is not in this complaint's history`);
    return named;
  }
  const target = complaint.history.findLast((entry) => entry.normalMessage !== undefined) ?? complaint.history.findLast((entry) => entry.operator !== USER);
  if (target === undefined) throw invalidRequest('nothing to click in this complaint');
  return target;
}

/** The first send-message button of a stored NormalMessage: what a click on it sends. */
function firstSendMessageButton(message: unknown): { actionId?: string; content?: string } | undefined {
  const blocks = (message as { blocks?: { button?: { action?: { action_id?: string; message_info?: { content?: string } } } }[] } | undefined)?.blocks;
  const action = blocks?.find((block) => block.button?.action !== undefined)?.button?.action;
  if (action === undefined) return undefined;
  return {
    ...(action.action_id === undefined ? {} : { actionId: action.action_id }),
    ...(action.message_info?.content === undefined ? {} : { content: action.message_info.content }),
  };
}

function defaultOperator(operateType: string): string {
  if (operateType.startsWith('USER_')) return USER;
  if (operateType.startsWith('MERCHANT_')) return '商户';
  return PLATFORM;
}

function complaintSeed(now: number): number {
  return Math.floor(now / 1000) % 251;
}
