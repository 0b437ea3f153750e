import type { ComplaintKey } from './complaint-key.js';
import type { Fen } from './money.js';
import type { OpenEnum } from './open-enum.js';

export const COMPLAINT_STATES = ['PENDING', 'PROCESSING', 'PROCESSED'] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

export const PROBLEM_TYPES = ['REFUND', 'SERVICE_NOT_WORK', 'OTHERS'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

export const MEDIA_KINDS = ['USER_COMPLAINT_IMAGE', 'OPERATION_IMAGE'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * Where a media URL was found, which decides how it is fetched: a complaint's (or a history record's)
 * media list holds the provider's authenticated download URLs, a history entry's image list may hold
 * plain short-lived public URLs (WeChat Pay's `image_list`, spec 2.2).
 */
export type MediaSource = 'COMPLAINT_MEDIA' | 'HISTORY_IMAGE';

export interface ComplaintOrder {
  /** WeChat Pay's transaction id; Huishouqian does not give one. */
  transactionId: string | null;
  outTradeNo: string;
  amount: Fen;
}

export interface ComplaintMedia {
  kind: OpenEnum<MediaKind>;
  /** Provider URLs, downloadable only with a signed request (never handed to a browser as-is). */
  urls: string[];
}

/**
 * Personal data sealed by the adapter with the gateway's own key (src/crypto/pii-cipher.ts) as it
 * maps the provider's answer: complaints are cached (Redis, SQLite), and what is cached is never clear text.
 */
export interface SealedPii {
  kind: 'SEALED';
  sealed: string;
}

/**
 * The payer's phone, never in clear. WeChat encrypts it for the merchant (RSA-OAEP): the gateway
 * keeps that ciphertext. Huishouqian sends it in clear: the adapter seals it. Either is opened only
 * for callers allowed to see it (`revealPayerPhone`).
 */
export type PayerPhone = { kind: 'ENCRYPTED'; ciphertext: string } | SealedPii;

export interface Complaint {
  key: ComplaintKey;
  state: OpenEnum<ComplaintState>;
  /** ISO 8601 with the provider's offset (+08:00). */
  complainedAt: string;
  detail: string;
  problemDescription: string | null;
  problemType: OpenEnum<ProblemType> | null;
  userComplaintTimes: number;
  incomingUserResponse: boolean;
  fullyRefunded: boolean;
  applyRefundAmount: Fen | null;
  needImmediateService: boolean;
  inPlatformService: boolean | null;
  /** Sealed like the phone: it identifies the payer. */
  payerOpenid: SealedPii | null;
  payerPhone: PayerPhone | null;
  orders: ComplaintOrder[];
  media: ComplaintMedia[];
  userTags: string[];
  /** Provider fields without a place in the model (service orders, additional info, agent mode). */
  extras: Record<string, unknown>;
}
