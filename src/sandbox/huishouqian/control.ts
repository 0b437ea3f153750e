import { parseFault, type FaultInjector } from '../fault-injector.js';
import { isEndpointName } from './route.js';
import type { FileComplaintInput, SandboxState } from './state.js';

/** The unauthenticated control API under /sandbox/: what Huishouqian staff or a payer would do. */

export interface ControlContext {
  state: SandboxState;
  faults: FaultInjector;
  merchantNos: ReadonlySet<string>;
  reset(): void;
  stats(): Record<string, number>;
}

export interface ControlResult {
  status: number;
  json?: unknown;
}

const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function fileComplaintInput(merchantNo: string, body: Record<string, unknown>): FileComplaintInput {
  const input: FileComplaintInput = { merchantNo };
  const tradeNo = string(body['merchantTradeNo']);
  const detail = string(body['complaintDetail']);
  const phone = string(body['payerPhone']);
  if (tradeNo !== undefined) input.merchantTradeNo = tradeNo;
  if (typeof body['amount'] === 'number') input.amount = body['amount'];
  if (detail !== undefined) input.complaintDetail = detail;
  if (phone !== undefined) input.payerPhone = phone;
  return input;
}

export function handleControl(context: ControlContext, method: string, path: string, body: Record<string, unknown>): ControlResult {
  const { state } = context;
  if (method === 'POST' && path === '/sandbox/reset') {
    context.reset();
    return { status: 204 };
  }
  if (method === 'GET' && path === '/sandbox/stats') return { status: 200, json: context.stats() };
  // Huishouqian staff configure the callback address in reality (spec 2, OPEN).
  if (method === 'PUT' && path === '/sandbox/notification-url') {
    const url = body['url'];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return { status: 400, json: { error: 'url must be an http(s) URL' } };
    state.notificationUrl = url;
    return { status: 200, json: { url } };
  }
  if (method === 'POST' && path === '/sandbox/faults') {
    const fault = parseFault(body, isEndpointName);
    if ('problem' in fault) return { status: 400, json: { error: fault.problem } };
    context.faults.add(fault);
    return { status: 201, json: { armed: fault.kind } };
  }
  if (method === 'POST' && path === '/sandbox/complaints') {
    const merchantNo = String(body['merchantNo'] ?? '');
    if (!context.merchantNos.has(merchantNo)) return { status: 400, json: { error: 'unknown merchantNo' } };
    return { status: 201, json: { complaintId: state.fileComplaint(fileComplaintInput(merchantNo, body)).complaintId } };
  }
  const match = /^\/sandbox\/complaints\/([^/]+)\/user-messages$/.exec(path);
  const complaint = match && method === 'POST' ? state.complaints.find((c) => c.complaintId === match[1]) : undefined;
  if (complaint === undefined) return { status: 404, json: { error: 'not found' } };
  state.userMessage(complaint, string(body['content']) ?? '请尽快处理', string(body['operateTime']));
  return { status: 201, json: { complaintId: complaint.complaintId } };
}
