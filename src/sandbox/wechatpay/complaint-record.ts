/** What the WeChat Pay sandbox stores per complaint: shared by its state, seed and routes. */

export type ComplaintState = 'PENDING' | 'PROCESSING' | 'PROCESSED';

export interface HistoryEntry {
  logId: string;
  operator: string;
  operateTime: number;
  operateType: string;
  operateDetails?: string;
  /** Media ids (decoded form) shown as image URLs. */
  imageIds: string[];
  normalMessage?: unknown;
  /** `click_message`: the user clicked a button or link of an earlier message (USER_CLICK_RESPONSE). */
  clickMessage?: { message_content: unknown; action_id: string; clicked_log_id: string };
  /** `user_appy_platform_service_reason(_description)` (sic): why the user asked the platform for help. */
  platformServiceReason?: { reason: string; description?: string };
  /** Keys WeChat may add to a record at any time (spec 0): sent as they are, so clients show they keep them. */
  extraFields?: Record<string, unknown>;
}

export interface ComplaintRecord {
  complaintId: string;
  complaintTime: number;
  detail: string;
  state: ComplaintState;
  complaintedMchid: string;
  payerPhone?: string;
  payerOpenid: string;
  orders: { transaction_id: string; out_trade_no: string; amount: number }[];
  userMedia: string[];
  operationMedia: string[];
  fullRefunded: boolean;
  incomingUserResponse: boolean;
  problemDescription: string;
  userComplaintTimes: number;
  problemType?: 'REFUND' | 'SERVICE_NOT_WORK' | 'OTHERS';
  applyRefundAmount?: number;
  userTags: ('TRUSTED' | 'HIGH_RISK')[];
  additionalInfo?: unknown;
  inPlatformService: boolean;
  needImmediateService: boolean;
  refundDecision?: 'APPROVE' | 'REJECT';
  history: HistoryEntry[];
  /** idempotent_id → log_id of immediate-service replies. */
  immediateReplies: Map<string, string>;
}

export interface StoredImage {
  bytes: Buffer;
  contentType: string;
}
