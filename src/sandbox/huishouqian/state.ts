/** In-memory complaints of the Huishouqian sandbox, kept as Huishouqian spells them. */
export interface SandboxComplaint {
  complaintId: string;
  merchantNo: string;
  merchantTradeNo: string;
  amount: number;
  complaintState: 'PENDING' | 'PROCESSING' | 'PROCESSED';
  /** yyyyMMddHHmmss, Beijing time. */
  complaintTime: string;
  /** Milliseconds since the epoch, for ordering and date filters. */
  complainedAtMs: number;
  problemDescription: string;
  complaintDetail: string;
  userComplaintTimes: number;
  incomingUserResponse: 0 | 1;
  payerOpenid: string;
  payerPhone: string;
  complaintFullRefunded: 0 | 1;
  history: SandboxHistoryEntry[];
}

export interface SandboxHistoryEntry {
  logId: string;
  operator: string;
  operateTime: string;
  operateType: string;
  operateDetails: string;
  imageList: string[];
}

/** `yyyyMMddHHmmss` in Beijing time for an instant. */
export function beijingStamp(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}
