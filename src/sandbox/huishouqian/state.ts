import type { Clock } from '../../providers/http/clock.js';
import { BusinessError, invalidParameter } from './business-error.js';

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

/** Where the sandbox says a history image lives; only COMPLAINT_FILE_DOWNLOAD can fetch it. */
const MEDIA_URL_BASE = 'https://media.huishouqian.test/complaint-image/';

/** What a notification says happened (spec 2.1). */
export type ComplaintAction = 'CREATE_COMPLAINT' | 'USER_RESPONSE' | 'MERCHANT_RESPONSE' | 'MERCHANT_CONFIRM_COMPLETE';

export interface FileComplaintInput {
  merchantNo: string;
  merchantTradeNo?: string;
  amount?: number;
  complaintDetail?: string;
  payerPhone?: string;
}

export interface SandboxStateOptions {
  clock: Clock;
  /** Called after every change a notification reports. */
  onAction(complaint: SandboxComplaint, action: ComplaintAction): void;
}

/** Complaints, their state machine and the uploaded files; the notification URL set over the control API. */
export class SandboxState {
  complaints: SandboxComplaint[] = [];
  /** Uploaded images by file id; a reply's images appear in its history entry as media URLs. */
  readonly uploads = new Map<string, Buffer>();
  notificationUrl: string | null = null;
  readonly #options: SandboxStateOptions;
  // Never reset: ids filed after a reset stay distinct from those before it.
  #sequence = 0;

  constructor(options: SandboxStateOptions) {
    this.#options = options;
  }

  load(complaints: SandboxComplaint[]): void {
    this.complaints = complaints;
    this.uploads.clear();
  }

  /** The merchant's complaint: 130010 without an id, 130003 unknown, 130004 another merchant's. */
  find(merchantNo: string, complaintId: unknown): SandboxComplaint {
    if (typeof complaintId !== 'string' || complaintId === '') throw new BusinessError('130010', '投诉单号不能为空');
    const complaint = this.complaints.find((c) => c.complaintId === complaintId);
    if (complaint === undefined) throw new BusinessError('130003', '投诉单号不存在');
    if (complaint.merchantNo !== merchantNo) throw new BusinessError('130004', '商户号不匹配');
    return complaint;
  }

  reply(complaint: SandboxComplaint, content: string, fileIds: readonly string[]): void {
    if (fileIds.some((id) => !this.uploads.has(id))) throw invalidParameter('图片不存在');
    this.#append(
      complaint,
      'MERCHANT_RESPONSE',
      '商户',
      content,
      fileIds.map((id) => `${MEDIA_URL_BASE}${id}`),
    );
    if (complaint.complaintState === 'PENDING') complaint.complaintState = 'PROCESSING';
    complaint.incomingUserResponse = 0;
    this.#options.onAction(complaint, 'MERCHANT_RESPONSE');
  }

  /** Idempotent: completing a processed complaint changes nothing and notifies no one. */
  complete(complaint: SandboxComplaint): void {
    if (complaint.complaintState === 'PROCESSED') return;
    complaint.complaintState = 'PROCESSED';
    this.#append(complaint, 'MERCHANT_CONFIRM_COMPLETE', '商户', '');
    this.#options.onAction(complaint, 'MERCHANT_CONFIRM_COMPLETE');
  }

  upload(bytes: Buffer): string {
    const fileId = String(7_000_000_000 + this.uploads.size + 1);
    this.uploads.set(fileId, bytes);
    return fileId;
  }

  /** The bytes behind a media URL, only if this complaint's history carries it. */
  media(complaint: SandboxComplaint, mediaUrl: unknown): Buffer | undefined {
    const carried = typeof mediaUrl === 'string' && complaint.history.some((entry) => entry.imageList.includes(mediaUrl));
    return carried ? this.uploads.get(mediaUrl.slice(MEDIA_URL_BASE.length)) : undefined;
  }

  fileComplaint(input: FileComplaintInput): SandboxComplaint {
    const now = this.#options.clock.now();
    const stamp = beijingStamp(now);
    const sequence = ++this.#sequence;
    const complaint: SandboxComplaint = {
      complaintId: `2009${stamp}${String(sequence).padStart(9, '0')}`.slice(0, 27),
      merchantNo: input.merchantNo,
      merchantTradeNo: input.merchantTradeNo ?? `HSQ${stamp}${sequence}`,
      amount: input.amount ?? 1000,
      complaintState: 'PENDING',
      complaintTime: stamp,
      complainedAtMs: Math.floor(now / 1000) * 1000,
      problemDescription: '其他问题',
      complaintDetail: input.complaintDetail ?? '用户通过沙箱提交的投诉',
      userComplaintTimes: 1,
      incomingUserResponse: 0,
      payerOpenid: `o0WuojSandbox${sequence}`,
      payerPhone: input.payerPhone ?? '13800138000',
      complaintFullRefunded: 0,
      history: [],
    };
    this.#append(complaint, 'USER_CREATE_COMPLAINT', '投诉人', complaint.complaintDetail);
    this.complaints.push(complaint);
    this.#options.onAction(complaint, 'CREATE_COMPLAINT');
    return complaint;
  }

  /** `operateTime`: written as given instead of `yyyyMMddHHmmss` (clients must survive a format the doc does not promise). */
  userMessage(complaint: SandboxComplaint, content: string, operateTime?: string): void {
    this.#append(complaint, 'USER_RESPONSE', '投诉人', content, [], operateTime);
    complaint.incomingUserResponse = 1;
    this.#options.onAction(complaint, 'USER_RESPONSE');
  }

  #append(complaint: SandboxComplaint, operateType: string, operator: string, details: string, images: string[] = [], operateTime?: string): void {
    const logId = `3002${complaint.complaintId.slice(4)}${String(complaint.history.length + 1).padStart(2, '0')}`;
    const time = operateTime ?? beijingStamp(this.#options.clock.now());
    complaint.history.push({ logId, operator, operateTime: time, operateType, operateDetails: details, imageList: images });
  }
}
