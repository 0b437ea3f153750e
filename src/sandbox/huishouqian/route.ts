import { invalidParameter } from './business-error.js';
import type { SandboxState } from './state.js';

/**
 * The endpoints (spec 1 and 2): a path per method, as documented. The names match the client's
 * endpoint names (counters and fault targets use them).
 */
export const ENDPOINTS = {
  queryComplaints: { method: 'COMPLAINT_QUERY', path: '/complaint/query' },
  queryHistory: { method: 'COMPLAINT_QUERY_HISTORY', path: '/complaint/queryHistory' },
  commitResponse: { method: 'COMPLAINT_COMMIT_RESPONSE', path: '/complaint/commitResponse' },
  commitComplete: { method: 'COMPLAINT_COMMIT_COMPLETE', path: '/complaint/commitComplete' },
  uploadFile: { method: 'COMPLAINT_FILE_UPLOAD', path: '/complaint/upload' },
  downloadFile: { method: 'COMPLAINT_FILE_DOWNLOAD', path: '/complaint/download' },
} as const;

export type EndpointName = keyof typeof ENDPOINTS;
export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

export function isEndpointName(name: string): name is EndpointName {
  return (ENDPOINT_NAMES as readonly string[]).includes(name);
}

/** The single path a third-party client posts every method to; `method` alone routes there. */
export const GENERIC_PATH = '/api/acquiring';

export function endpointAtPath(path: string): EndpointName | undefined {
  return ENDPOINT_NAMES.find((name) => ENDPOINTS[name].path === path);
}

export function endpointForMethod(method: string | undefined): EndpointName | undefined {
  return ENDPOINT_NAMES.find((name) => ENDPOINTS[name].method === method);
}

/** One endpoint's business logic: the verified merchant and its parsed signContent → `result`. */
export type Handler = (merchantNo: string, business: Record<string, unknown>) => unknown;

export interface RouteContext {
  state: SandboxState;
  agentMerchantNo: string;
}

export function intParam(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  // Third-party clients send numbers as strings too.
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalidParameter(`${name} 参数校验失败`);
  return n;
}

export function dateParam(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw invalidParameter(`${name} 格式应为 yyyy-MM-dd`);
  }
  return value;
}
