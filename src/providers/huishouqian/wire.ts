import { z } from 'zod';

/* Huishouqian's JSON as it spells it (camelCase). Unknown keys are ignored. */

// Third-party clients send and receive some numbers as strings; both are accepted.
const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const flag = z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1'), z.boolean()]).transform((v) => v === 1 || v === '1' || v === true);

/* Business requests (the JSON inside signContent; the client adds `merchantNo`). */

/** COMPLAINT_QUERY (spec 1.2): by date window, or by complaint id or order number. */
export interface ComplaintQueryRequest {
  beginDate?: string;
  endDate?: string;
  complaintId?: string;
  merchantTradeNo?: string;
  agentMerchantNo?: string;
  limit: number;
  offset?: number;
}

export interface ComplaintQueryHistoryRequest {
  complaintId: string;
  limit: number;
  offset: number;
}

export interface ComplaintCommitResponseRequest {
  complaintId: string;
  responseContent: string;
  responseImages: string[];
  /** Third-party model only (spec 2); meaning unknown (spec 4.10). Sent only when the account switches it on. */
  actType?: number;
}

/** The third-party model also carries a reply text and images (spec 2); sent only when the account switches it on. */
export interface ComplaintCommitCompleteRequest {
  complaintId: string;
  responseContent?: string;
  responseImages?: string[];
}

/** `img`: the file as base64 (spec 4, OPEN 9). */
export interface ComplaintFileUploadRequest {
  img: string;
}

export interface ComplaintFileDownloadRequest {
  complaintId: string;
  mediaUrl: string;
  mediaType: string;
}

const complaintSchema = z.object({
  complaintId: z.string().min(1),
  merchantTradeNo: z.string().nullish(),
  amount: int.nullish(),
  complaintState: z.string(),
  complaintTime: z.string().regex(/^\d{14}$/),
  problemDescription: z.string().nullish(),
  complaintDetail: z.string().nullish(),
  userComplaintTimes: int.nullish(),
  incomingUserResponse: flag.nullish(),
  payerOpenid: z.string().nullish(),
  merchantNo: z.string().nullish(),
  agentNo: z.string().nullish(),
  payerPhone: z.string().nullish(),
  complaintFullRefunded: flag.nullish(),
});
export type HuishouqianComplaint = z.infer<typeof complaintSchema>;

export const queryResultSchema = z.object({ offset: int.nullish(), totalSize: int.nullish(), data: z.array(complaintSchema).nullish() });

export const historyResultSchema = z.object({
  offset: int.nullish(),
  totalSize: int.nullish(),
  data: z
    .array(
      z.object({
        logId: z.string(),
        operator: z.string().nullish(),
        // Any text: one entry in a format the doc does not promise must not fail the page (the adapter keeps it raw).
        operateTime: z.string(),
        operateType: z.string(),
        operateDetails: z.string().nullish(),
        imageList: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

/** Write endpoints answer success=true with their own outcome inside (spec 1.5, OPEN 4). */
export const commitResultSchema = z.object({ flag: z.boolean().nullish(), respCode: z.string(), respDesc: z.string().nullish() });
export const uploadResultSchema = z.object({ fileId: z.union([z.string(), z.number()]).transform(String) });

/** COMPLAINT_FILE_DOWNLOAD (spec 2, inferred): the file as base64 and its suffix. */
export const downloadResultSchema = z.object({ bytes: z.string().regex(/^[A-Za-z0-9+/]*=*$/), suffix: z.string().nullish() });

/** The notification content (spec 2.1). It has no id: see notifications.ts for what identifies one. */
export const notificationContentSchema = z.object({
  actionType: z.string().min(1),
  complaintId: z.string().min(1),
});
