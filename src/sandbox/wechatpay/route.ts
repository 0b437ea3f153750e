import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { paramError } from './api-error.js';
import type { SandboxState } from './state.js';

/** The endpoint names shared with the client's endpoints.ts (counters, fault targets, limit buckets). */
export const ENDPOINT_NAMES = [
  'listComplaints',
  'getComplaint',
  'getNegotiationHistory',
  'reply',
  'complete',
  'updateRefundProgress',
  'replyImmediately',
  'createNotificationUrl',
  'getNotificationUrl',
  'updateNotificationUrl',
  'deleteNotificationUrl',
  'uploadImage',
  'downloadMedia',
  'downloadCertificates',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export function isEndpointName(value: unknown): value is EndpointName {
  return typeof value === 'string' && (ENDPOINT_NAMES as readonly string[]).includes(value);
}

export interface RouteRequest {
  /** The authenticated calling mchid (a service provider for its sub-merchants). */
  caller: string;
  /** Path parameters, still percent-encoded as received. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  headers: IncomingHttpHeaders;
}

export type RouteResult = { status: 200; json: unknown } | { status: 204 } | { status: 200; media: { bytes: Buffer; contentType: string } };

export interface Route {
  name: EndpointName;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template with `{param}` segments. */
  path: string;
  /** What the request signature covers when it is not the raw body (image upload: the meta JSON). */
  signedBody?(body: Buffer, headers: IncomingHttpHeaders): Buffer;
  handle(request: RouteRequest): RouteResult;
}

/** The JSON body of a request, or 400 PARAM_ERROR. */
export function jsonBody(request: RouteRequest): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw paramError('请求体不是合法的 JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw paramError('请求体必须是 JSON 对象');
  return parsed as Record<string, unknown>;
}

export function decodeParam(request: RouteRequest, name: string): string {
  const raw = request.params[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw paramError(`${name} 编码错误`);
  }
}

/** What route handlers share. */
export interface RouteContext {
  state: SandboxState;
  /** The calling merchant's API public key (payer_phone is encrypted for the caller). */
  callerKey(mchid: string): KeyObject;
  baseUrl(): string;
  /** A fresh unsigned, one-hour URL of a stored image on the sandbox's public image host (history `image_list`). */
  publicImageUrl(mediaId: string): string;
}
