import { parseFault, type FaultInjector } from '../fault-injector.js';
import { beijingTime } from '../beijing-time.js';
import { paramError, SandboxApiError } from './api-error.js';
import type { SandboxPlatformCertificate } from './platform-certificates.js';
import { isEndpointName } from './route.js';
import { SANDBOX_EVENT_TYPES, type FileComplaintInput, type SandboxEvent, type SandboxState } from './state.js';

/** The unauthenticated control API under /sandbox/ (loopback only; see /tmp/names.md). */

export interface ControlContext {
  state: SandboxState;
  faults: FaultInjector;
  reset(): void;
  stats(): Record<string, number>;
  /** Issues a new platform certificate (certificate rotation); the older ones stay listed until they expire. */
  rotateCertificate(): Promise<SandboxPlatformCertificate>;
}

export interface ControlResult {
  status: number;
  json?: unknown;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw paramError(`${key} must be a non-empty string`);
  return value;
}

function optionalInteger(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw paramError(`${key} must be a positive integer`);
  return value;
}

function fileComplaintInput(state: SandboxState, body: Record<string, unknown>): FileComplaintInput {
  const mchid = optionalString(body, 'mchid') ?? optionalString(body, 'merchantNo');
  if (mchid === undefined || state.merchant(mchid) === undefined) throw paramError('mchid must name a sandbox merchant');
  const problemType = body['problem_type'];
  if (problemType !== undefined && problemType !== 'REFUND' && problemType !== 'SERVICE_NOT_WORK' && problemType !== 'OTHERS') {
    throw paramError('problem_type must be REFUND, SERVICE_NOT_WORK or OTHERS');
  }
  const needImmediate = body['need_immediate_service'];
  if (needImmediate !== undefined && typeof needImmediate !== 'boolean') throw paramError('need_immediate_service must be a boolean');
  const tags = body['user_tag_list'];
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => tag !== 'TRUSTED' && tag !== 'HIGH_RISK')))
    throw paramError('user_tag_list: TRUSTED | HIGH_RISK');
  const input: FileComplaintInput = { complaintedMchid: mchid };
  const detail = optionalString(body, 'complaint_detail');
  const description = optionalString(body, 'problem_description');
  const outTradeNo = optionalString(body, 'out_trade_no');
  const phone = optionalString(body, 'payer_phone');
  const amount = optionalInteger(body, 'amount');
  const refund = optionalInteger(body, 'apply_refund_amount');
  if (detail !== undefined) input.detail = detail;
  if (description !== undefined) input.problemDescription = description;
  if (problemType !== undefined) input.problemType = problemType;
  if (refund !== undefined) input.applyRefundAmount = refund;
  if (amount !== undefined) input.amount = amount;
  if (outTradeNo !== undefined) input.outTradeNo = outTradeNo;
  if (phone !== undefined) input.payerPhone = phone;
  if (needImmediate !== undefined) input.needImmediateService = needImmediate;
  if (tags !== undefined) input.userTags = tags as ('TRUSTED' | 'HIGH_RISK')[];
  return input;
}

/** `{"type": ..., ...}` of `POST /sandbox/complaints/{id}/events`; field names as the wire spells them. */
function sandboxEvent(body: Record<string, unknown>): SandboxEvent {
  const type = body['type'];
  if (typeof type !== 'string' || !(SANDBOX_EVENT_TYPES as readonly string[]).includes(type))
    throw paramError(`type must be one of ${SANDBOX_EVENT_TYPES.join(', ')}`);
  const content = optionalString(body, 'content');
  const withContent = content === undefined ? {} : { content };
  switch (type as SandboxEvent['type']) {
    case 'USER_RESPONSE':
    case 'CONTINUE_COMPLAINT':
      return { type: type as 'USER_RESPONSE' | 'CONTINUE_COMPLAINT', ...withContent };
    case 'PLATFORM_RESPONSE': {
      const button = optionalString(body, 'button');
      return { type: 'PLATFORM_RESPONSE', ...withContent, ...(button === undefined ? {} : { button }) };
    }
    case 'USER_CLICK': {
      const clickedLogId = optionalString(body, 'clicked_log_id');
      const actionId = optionalString(body, 'action_id');
      return { type: 'USER_CLICK', ...withContent, ...(clickedLogId === undefined ? {} : { clickedLogId }), ...(actionId === undefined ? {} : { actionId }) };
    }
    case 'USER_APPLY_PLATFORM_SERVICE': {
      const reason = optionalString(body, 'reason');
      const description = optionalString(body, 'description');
      return { type: 'USER_APPLY_PLATFORM_SERVICE', ...(reason === undefined ? {} : { reason }), ...(description === undefined ? {} : { description }) };
    }
    case 'RECORD': {
      const operateType = optionalString(body, 'operate_type');
      if (operateType === undefined) throw paramError('RECORD needs operate_type');
      const operator = optionalString(body, 'operator');
      // Keys a future WeChat may add to a record (spec 0: new keys may appear at any time).
      const extra = body['extra_fields'];
      if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra))) throw paramError('extra_fields must be an object');
      return {
        type: 'RECORD',
        operateType,
        ...withContent,
        ...(operator === undefined ? {} : { operator }),
        ...(extra === undefined ? {} : { extraFields: extra as Record<string, unknown> }),
      };
    }
    default:
      return { type: type as 'USER_CANCEL_PLATFORM_SERVICE' | 'PLATFORM_SERVICE_FINISHED' | 'SELLER_REFUND' | 'REFUND_SUCCESS' };
  }
}

export function handleControl(context: ControlContext, method: string, path: string, body: Record<string, unknown>): ControlResult | Promise<ControlResult> {
  if (method === 'POST' && path === '/sandbox/certificates/rotate') {
    // Key generation is slow: the one asynchronous control call.
    return context.rotateCertificate().then((certificate) => ({
      status: 201,
      json: {
        serial_no: certificate.signer.serial,
        effective_time: beijingTime(certificate.notBefore),
        expire_time: beijingTime(certificate.notAfter),
        certificate: certificate.pem,
      },
    }));
  }
  if (method === 'POST' && path === '/sandbox/complaints') {
    const complaint = context.state.fileComplaint(fileComplaintInput(context.state, body));
    return { status: 201, json: { complaint_id: complaint.complaintId } };
  }
  const userMessage = /^\/sandbox\/complaints\/([^/]+)\/user-messages$/.exec(path);
  if (method === 'POST' && userMessage !== null) {
    const complaint = context.state.complaints.get(userMessage[1] ?? '');
    if (complaint === undefined) throw new SandboxApiError(404, 'RESOURCE_NOT_EXISTS', 'no such complaint');
    const continueComplaint = body['continue'];
    if (continueComplaint !== undefined && typeof continueComplaint !== 'boolean') throw paramError('continue must be a boolean');
    const logId = context.state.userMessage(complaint, optionalString(body, 'content') ?? '请问处理进度如何？', continueComplaint ?? false);
    return { status: 201, json: { log_id: logId } };
  }
  const event = /^\/sandbox\/complaints\/([^/]+)\/events$/.exec(path);
  if (method === 'POST' && event !== null) {
    const complaint = context.state.complaints.get(event[1] ?? '');
    if (complaint === undefined) throw new SandboxApiError(404, 'RESOURCE_NOT_EXISTS', 'no such complaint');
    return { status: 201, json: { log_id: context.state.applyEvent(complaint, sandboxEvent(body)) } };
  }
  if (method === 'PUT' && path === '/sandbox/no-notification-url-answer') {
    const status = body['status'];
    if (status !== 404 && status !== 400 && status !== 200) throw paramError('status must be 404, 400 or 200');
    context.state.noNotificationUrlAnswer = status;
    return { status: 204 };
  }
  if (method === 'POST' && path === '/sandbox/faults') {
    const fault = parseFault(body, isEndpointName);
    if ('problem' in fault) throw paramError(fault.problem);
    context.faults.add(fault);
    return { status: 201, json: { ok: true } };
  }
  if (method === 'POST' && path === '/sandbox/reset') {
    context.reset();
    return { status: 204 };
  }
  if (method === 'GET' && path === '/sandbox/stats') return { status: 200, json: context.stats() };
  throw new SandboxApiError(404, 'NOT_FOUND', 'no such control endpoint');
}
