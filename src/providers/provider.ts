import type { Complaint, MediaSource } from '../domain/complaint.js';
import type { ComplaintEvent } from '../domain/events.js';
import type { LocalDate } from '../domain/local-date.js';
import type { Merchant } from '../domain/merchant.js';
import type { NormalMessage } from '../domain/message.js';
import type { NegotiationPage } from '../domain/negotiation.js';

/**
 * The contract between the gateway and one provider account for one merchant. Every adapter
 * implements all of it; what the merchant's provider cannot do throws `UnsupportedError` naming the
 * capability, before anything is sent. Errors are always `GatewayError` subclasses.
 *
 * The contract suite (test/contract/complaint-provider.suite.ts) runs against every adapter.
 */
export interface ComplaintProvider {
  readonly merchant: Merchant;
  readonly limits: ProviderLimits;

  /** One page of complaints filed in [from, to] (Beijing dates), newest first. */
  listComplaints(query: ListComplaintsQuery): Promise<ComplaintPage>;
  /** Throws NotFoundError for an id this merchant does not have. */
  getComplaint(complaintId: string): Promise<Complaint>;
  /**
   * Optional: the merchant's complaints about one order, found by the provider itself (Huishouqian's
   * COMPLAINT_QUERY takes `merchantTradeNo`), in any order and regardless of date. Only the
   * merchant's own complaints; an unknown number gives []. Absent where the provider has no such
   * query (WeChat Pay): the feed then scans the date range and filters.
   */
  findByOutTradeNo?(outTradeNo: string): Promise<Complaint[]>;
  getNegotiationHistory(complaintId: string, page: { limit: number; offset: number }): Promise<NegotiationPage>;

  reply(complaintId: string, reply: ReplyInput): Promise<void>;
  /** Idempotent on `idempotencyKey`: a repeat returns the first call's log id. */
  replyImmediately(complaintId: string, input: ImmediateReplyInput): Promise<{ logId: string }>;
  complete(complaintId: string): Promise<void>;
  updateRefundProgress(complaintId: string, input: RefundProgressInput): Promise<void>;

  /** Validates type (by content) and size before sending; returns the provider's media id. */
  uploadImage(image: ImageUpload): Promise<{ mediaId: string }>;
  /** Download of a media URL the provider returned for one of this merchant's complaints (signed, or plain for public history images). */
  downloadMedia(media: MediaReference): Promise<MediaDownload>;
  /** Decrypts or opens the payer's phone; null when the user left none. */
  revealPayerPhone(complaint: Complaint): Promise<string | null>;
  /** Opens the payer's openid; null when the complaint carries none (WeChat lists leave it out). */
  revealPayerOpenid(complaint: Complaint): Promise<string | null>;

  getNotificationUrl(): Promise<string | null>;
  createNotificationUrl(url: string): Promise<string>;
  updateNotificationUrl(url: string): Promise<string>;
  deleteNotificationUrl(): Promise<void>;
}

/**
 * Turns a provider's push notification into events. One per provider account (a WeChat service
 * provider's notification covers all its sub-merchants), so it is separate from ComplaintProvider.
 */
export interface NotificationReceiver {
  /** Verifies and decrypts. Throws a GatewayError (ValidationError, ForbiddenError) on any bad input; writes nothing. */
  receive(request: IncomingNotification): Promise<ReceivedNotification>;
}

export interface IncomingNotification {
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

export interface ReceivedNotification {
  /** The answer the provider expects for an accepted notification. */
  acknowledgement: { status: number; contentType: string; body: string };
  events: Omit<ComplaintEvent, 'receivedAt'>[];
}

export interface ProviderLimits {
  /** Longest list window in calendar days, inclusive (WeChat: 30). */
  maxWindowDays: number;
  maxListPageSize: number;
  maxHistoryPageSize: number;
  maxReplyLength: number;
  maxReplyImages: number;
  maxImageBytes: number;
}

export interface ListComplaintsQuery {
  from: LocalDate;
  to: LocalDate;
  limit: number;
  offset: number;
}

export interface ComplaintPage {
  complaints: Complaint[];
  offset: number;
  limit: number;
  /** Null when the provider did not say (WeChat gives it only at offset 0). */
  totalCount: number | null;
}

export interface ReplyInput {
  text: string;
  /** Media ids from uploadImage. */
  imageMediaIds: string[];
  jumpUrl: { url: string; text: string } | null;
  miniProgram: { appId: string; path: string; text: string } | null;
}

export interface ImmediateReplyInput {
  message: NormalMessage;
  idempotencyKey: string;
}

export type RefundProgressInput =
  /** launchRefundDay null: not sent (WeChat Pay makes it optional, spec 3.6). */
  | { action: 'APPROVE'; launchRefundDay: number | null; remark: string | null }
  | { action: 'REJECT'; rejectReason: string; rejectMediaIds: string[]; remark: string | null };

export interface ImageUpload {
  filename: string;
  bytes: Uint8Array;
}

/** A media URL as a complaint or its history carried it, with the complaint (Huishouqian needs it). */
export interface MediaReference {
  url: string;
  complaintId: string;
  /** Where the URL was found; a provider may fetch history images differently. Absent: COMPLAINT_MEDIA. */
  source?: MediaSource;
}

export interface MediaDownload {
  contentType: string;
  /** Declared length when the provider sent one. */
  contentLength: number | null;
  /** The image bytes, size-capped and type-checked while streaming; an error aborts the stream. */
  body: AsyncIterable<Uint8Array>;
}
