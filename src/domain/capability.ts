/** What a merchant's provider account supports; frontends hide the buttons of the others. */
export const CAPABILITIES = [
  'LIST_COMPLAINTS',
  'COMPLAINT_DETAIL',
  'NEGOTIATION_HISTORY',
  'REPLY',
  'IMMEDIATE_REPLY',
  'COMPLETE',
  'REFUND_PROGRESS',
  'IMAGE_UPLOAD',
  'IMAGE_DOWNLOAD',
  'NOTIFICATIONS',
  'NOTIFICATION_URL',
] as const;

export type Capability = (typeof CAPABILITIES)[number];
