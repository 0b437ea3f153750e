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

/** The provider's per-minute budgets (spec 5.6); also the keys of an account's `limits` in the config file. */
export const QUOTA_NAMES = [
  'list',
  'history',
  'reply',
  'complete',
  'refundProgress',
  'immediateReply',
  'upload',
  'notificationUrl',
  'media',
  'certificates',
] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];

const COMPLAINT = '/v3/merchant-service/complaints-v2/{complaint_id}';

export const ENDPOINTS = {
  listComplaints: { method: 'GET', path: '/v3/merchant-service/complaints-v2', signed: true, changesState: false, quota: 'list' },
  getComplaint: { method: 'GET', path: COMPLAINT, signed: true, changesState: false, quota: 'list' },
  getNegotiationHistory: { method: 'GET', path: `${COMPLAINT}/negotiation-historys`, signed: true, changesState: false, quota: 'history' },
  reply: { method: 'POST', path: `${COMPLAINT}/response`, signed: true, changesState: true, quota: 'reply' },
  complete: { method: 'POST', path: `${COMPLAINT}/complete`, signed: true, changesState: true, quota: 'complete' },
  updateRefundProgress: { method: 'POST', path: `${COMPLAINT}/update-refund-progress`, signed: true, changesState: true, quota: 'refundProgress' },
  replyImmediately: { method: 'POST', path: `${COMPLAINT}/response-immediate-service`, signed: true, changesState: true, quota: 'immediateReply' },
  createNotificationUrl: { method: 'POST', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: true, quota: 'notificationUrl' },
  getNotificationUrl: { method: 'GET', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: false, quota: 'notificationUrl' },
  updateNotificationUrl: { method: 'PUT', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: true, quota: 'notificationUrl' },
  deleteNotificationUrl: { method: 'DELETE', path: '/v3/merchant-service/complaint-notifications', signed: true, changesState: true, quota: 'notificationUrl' },
  uploadImage: { method: 'POST', path: '/v3/merchant-service/images/upload', signed: true, changesState: true, quota: 'upload' },
  downloadMedia: { method: 'GET', path: '/v3/merchant-service/images/{media_id}', signed: false, changesState: false, quota: 'media' },
  // Not a complaints endpoint: the platform certificates of certificate mode (spec 5.2).
  downloadCertificates: { method: 'GET', path: '/v3/certificates', signed: true, changesState: false, quota: 'certificates' },
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

/**
 * Calls per minute per calling mchid (spec 5.6, corrected): each write 60, list and detail share
 * 200, history 200. Complete is a feedback API: 60, not the community FAQ's 1500. An account's
 * `limits` in the config file override these.
 */
export const QUOTA_PER_MINUTE: Readonly<Record<QuotaName, number>> = {
  list: 200,
  history: 200,
  reply: 60,
  complete: 60,
  refundProgress: 60,
  immediateReply: 60,
  upload: 60,
  // Not published; generous limits so a runaway loop still cannot hammer the provider.
  notificationUrl: 60,
  media: 600,
  // Not published. A refresh needs one call every few hours; this only stops a runaway loop, and
  // leaves the account's pool (the downloads are the account's own calls) a few calls per window.
  certificates: 120,
};

export const MEDIA_PATH_PREFIX = '/v3/merchant-service/images/';
