/**
 * Huishouqian endpoints as data. Only COMPLAINT_QUERY is documented by Huishouqian; the others are
 * inferred from third-party clients (spec section 2). All are POSTs of the same envelope, so
 * `changesState` alone decides whether a call may be retried.
 */
export interface HuishouqianEndpoint {
  method: string;
  path: string;
  changesState: boolean;
  documented: boolean;
}

export const HUISHOUQIAN_ENDPOINTS = {
  queryComplaints: { method: 'COMPLAINT_QUERY', path: '/complaint/query', changesState: false, documented: true },
  queryHistory: { method: 'COMPLAINT_QUERY_HISTORY', path: '/complaint/queryHistory', changesState: false, documented: false },
  commitResponse: { method: 'COMPLAINT_COMMIT_RESPONSE', path: '/complaint/commitResponse', changesState: true, documented: false },
  commitComplete: { method: 'COMPLAINT_COMMIT_COMPLETE', path: '/complaint/commitComplete', changesState: true, documented: false },
  uploadFile: { method: 'COMPLAINT_FILE_UPLOAD', path: '/complaint/upload', changesState: true, documented: false },
  downloadFile: { method: 'COMPLAINT_FILE_DOWNLOAD', path: '/complaint/download', changesState: false, documented: false },
} as const satisfies Record<string, HuishouqianEndpoint>;

export type HuishouqianEndpointName = keyof typeof HUISHOUQIAN_ENDPOINTS;

export function isEndpointName(name: unknown): name is HuishouqianEndpointName {
  return typeof name === 'string' && Object.hasOwn(HUISHOUQIAN_ENDPOINTS, name);
}

/**
 * Where envelopes are posted: `per-method` (documented: `/complaint/query` and its siblings) or
 * `generic`, the single gateway path a third-party PHP client uses, where `method` alone routes.
 */
export type HuishouqianUrlShape = 'per-method' | 'generic';
const GENERIC_PATH = '/api/acquiring';

export function endpointPath(name: HuishouqianEndpointName, shape: HuishouqianUrlShape): string {
  return shape === 'generic' ? GENERIC_PATH : HUISHOUQIAN_ENDPOINTS[name].path;
}
