/**
 * The complaints 2.0 endpoints as data (DESIGN convention 9): retry policy, verification and quota
 * read this table. `signed: false` marks the one answer WeChat does not sign (image bytes).
 * `quota` names the provider's per-minute budget the call counts against (spec 5.6).
 */
export interface EndpointSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template; `{complaint_id}` is substituted, percent-encoded. */
  path: string;
  signed: boolean;
  changesState: boolean;
  quota: QuotaName;
}

export type QuotaName = 'list' | 'history' | 'feedback' | 'reply' | 'upload' | 'complete' | 'notificationUrl' | 'media';

const COMPLAINT = '/v3/merchant-service/complaints-v2/{complaint_id}';

export const ENDPOINTS = {
  listComplaints: { method: 'GET', path: '/v3/merchant-service/complaints-v2', signed: true, changesState: false, quota: 'list' },
  getComplaint: { method: 'GET', path: COMPLAINT, signed: true, changesState: false, quota: 'list' },
  getNegotiationHistory: { method: 'GET', path: `${COMPLAINT}/negotiation-historys`, signed: true, changesState: false, quota: 'history' },
  reply: { method: 'POST', path: `${COMPLAINT}/response`, signed: true, changesState: true, quota: 'reply' },
  complete: { method: 'POST', path: `${COMPLAINT}/complete`, signed: true, changesState: true, quota: 'complete' },
  updateRefundProgress: { method: 'POST', path: `${COMPLAINT}/update-refund-progress`, signed: true, changesState: true, quota: 'feedback' },
  replyImmediately: { method: 'POST', path: `${COMPLAINT}/response-immediate-service`, signed: true, changesState: true, quota: 'feedback' },
  createNotificationUrl: { method: 'POST', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: true, quota: 'notificationUrl' },
  getNotificationUrl: { method: 'GET', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: false, quota: 'notificationUrl' },
  updateNotificationUrl: { method: 'PUT', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: true, quota: 'notificationUrl' },
  deleteNotificationUrl: { method: 'DELETE', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: true, quota: 'notificationUrl' },
  uploadImage: { method: 'POST', path: '/v3/merchant-service/images/upload', signed: true, changesState: true, quota: 'upload' },
  downloadMedia: { method: 'GET', path: '/v3/merchant-service/images/{media_id}', signed: false, changesState: false, quota: 'media' },
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

/** Calls per minute per calling mchid (spec 5.6; detail shares the list budget). */
export const QUOTA_PER_MINUTE: Record<QuotaName, number> = {
  list: 200,
  history: 200,
  feedback: 60,
  reply: 60,
  upload: 60,
  complete: 1500,
  // Not published; generous limits so a runaway loop still cannot hammer the provider.
  notificationUrl: 60,
  media: 600,
};

export const MEDIA_PATH_PREFIX = '/v3/merchant-service/images/';
