import type { ComplaintMedia } from './complaint.js';
import type { NormalMessage } from './message.js';
import type { OpenEnum } from './open-enum.js';

// WeChat's own spellings, misspellings included (REFUSE_RERUND, COMFIRM): they are the wire values.
export const OPERATE_TYPES = [
  'USER_CREATE_COMPLAINT',
  'USER_CONTINUE_COMPLAINT',
  'USER_RESPONSE',
  'PLATFORM_RESPONSE',
  'MERCHANT_RESPONSE',
  'MERCHANT_CONFIRM_COMPLETE',
  'USER_CREATE_COMPLAINT_SYSTEM_MESSAGE',
  'COMPLAINT_FULL_REFUNDED_SYSTEM_MESSAGE',
  'USER_CONTINUE_COMPLAINT_SYSTEM_MESSAGE',
  'USER_REVOKE_COMPLAINT',
  'USER_COMFIRM_COMPLAINT',
  'PLATFORM_HELP_APPLICATION',
  'USER_APPLY_PLATFORM_HELP',
  'MERCHANT_APPROVE_REFUND',
  'MERCHANT_REFUSE_RERUND',
  'USER_SUBMIT_SATISFACTION',
  'SERVICE_ORDER_CANCEL',
  'SERVICE_ORDER_COMPLETE',
  'COMPLAINT_PARTIAL_REFUNDED_SYSTEM_MESSAGE',
  'COMPLAINT_REFUND_RECEIVED_SYSTEM_MESSAGE',
  'COMPLAINT_ENTRUSTED_REFUND_SYSTEM_MESSAGE',
  'USER_APPLY_PLATFORM_SERVICE',
  'USER_CANCEL_PLATFORM_SERVICE',
  'PLATFORM_SERVICE_FINISHED',
  'USER_CLICK_RESPONSE',
] as const;
export type OperateType = (typeof OPERATE_TYPES)[number];

/** One entry of a complaint's negotiation history (who did what, when). */
export interface NegotiationEntry {
  logId: string;
  operator: string;
  operateType: OpenEnum<OperateType>;
  /** ISO 8601 with offset; null when the provider's time could not be read (see operatedAtRaw). */
  operatedAt: string | null;
  /** The time as the provider wrote it. */
  operatedAtRaw: string;
  details: string | null;
  images: string[];
  media: ComplaintMedia | null;
  message: NormalMessage | null;
  /** The user clicked a button or link of an earlier message (WeChat `click_message`). */
  click: NegotiationClick | null;
  /** Why the user asked the platform to step in (WeChat `user_appy_platform_service_reason`, sic). */
  platformServiceReason: { reason: string; description: string | null } | null;
  /** Provider fields without a place in the model, as sent. */
  extras: Record<string, unknown>;
}

export interface NegotiationClick {
  /** The message content the click sent, as the provider gave it. */
  content: unknown;
  actionId: string | null;
  /** The history entry whose button or link was clicked. */
  clickedLogId: string | null;
}

export interface NegotiationPage {
  entries: NegotiationEntry[];
  offset: number;
  limit: number;
  /** Providers give the total only on some pages (WeChat: offset 0); null when unknown. */
  totalCount: number | null;
}
