import { constants, publicEncrypt } from 'node:crypto';
import { addDays, daysBetween } from '../../../domain/local-date.js';
import { noAuth, paramError } from '../api-error.js';
import { decodeParam, type Route, type RouteContext, type RouteRequest } from '../route.js';
import { beijingDate, beijingTime } from '../../beijing-time.js';
import type { ComplaintRecord, HistoryEntry } from '../complaint-record.js';

/** Endpoints 1–3: list, detail, negotiation history (spec 3.1–3.3). */

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw paramError(`${name} 必须是整数`);
  const value = Number(raw);
  if (value < min || value > max) throw paramError(`${name} 超出范围 [${min},${max}]`);
  return value;
}

function dateParam(query: URLSearchParams, name: string): string {
  const raw = query.get(name);
  if (raw === null) throw paramError(`缺少 ${name}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || addDays(raw, 0) !== raw) throw paramError(`${name} 格式错误，应为 YYYY-MM-DD`);
  return raw;
}

export function mediaUrl(context: RouteContext, mediaId: string): string {
  return `${context.baseUrl()}/v3/merchant-service/images/${encodeURIComponent(mediaId)}`;
}

function complaintInfo(context: RouteContext, caller: string, complaint: ComplaintRecord, detail: boolean): Record<string, unknown> {
  const media = [
    ...(complaint.userMedia.length > 0 ? [{ media_type: 'USER_COMPLAINT_IMAGE', media_url: complaint.userMedia.map((id) => mediaUrl(context, id)) }] : []),
    ...(complaint.operationMedia.length > 0 ? [{ media_type: 'OPERATION_IMAGE', media_url: complaint.operationMedia.map((id) => mediaUrl(context, id)) }] : []),
  ];
  return {
    complaint_id: complaint.complaintId,
    complaint_time: beijingTime(complaint.complaintTime),
    complaint_detail: complaint.detail,
    complaint_state: complaint.state,
    complainted_mchid: complaint.complaintedMchid,
    // Encrypted for the caller (a service provider for its sub-merchants), OAEP with SHA-1 (spec 5.4).
    ...(complaint.payerPhone === undefined
      ? {}
      : {
          payer_phone: publicEncrypt(
            { key: context.callerKey(caller), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
            Buffer.from(complaint.payerPhone, 'utf8'),
          ).toString('base64'),
        }),
    ...(detail ? { payer_openid: complaint.payerOpenid } : {}),
    complaint_order_info: complaint.orders,
    complaint_media_list: media,
    complaint_full_refunded: complaint.fullRefunded,
    incoming_user_response: complaint.incomingUserResponse,
    problem_description: complaint.problemDescription,
    user_complaint_times: complaint.userComplaintTimes,
    ...(complaint.problemType === undefined ? {} : { problem_type: complaint.problemType }),
    ...(complaint.applyRefundAmount === undefined ? {} : { apply_refund_amount: complaint.applyRefundAmount }),
    ...(complaint.userTags.length === 0 ? {} : { user_tag_list: complaint.userTags }),
    ...(complaint.additionalInfo === undefined ? {} : { additional_info: complaint.additionalInfo }),
    in_platform_service: complaint.inPlatformService,
    need_immediate_service: complaint.needImmediateService,
    is_agent_mode: false,
  };
}

/** The history's user operator: its images are the user's own, the rest the merchant's or WeChat Pay's. */
const USER_OPERATOR = '投诉人';

function negotiationRecord(context: RouteContext, entry: HistoryEntry): Record<string, unknown> {
  const byUser = entry.operator === USER_OPERATOR;
  const signed = entry.imageIds.map((id) => mediaUrl(context, id));
  // image_list holds only what the merchant or customer service uploaded, as public one-hour URLs
  // (at most 4), minted afresh on every read; user images are only in complaint_media_list (spec 2.2).
  const publicUrls = byUser ? [] : entry.imageIds.slice(0, 4).map((id) => context.publicImageUrl(id));
  return {
    ...entry.extraFields,
    log_id: entry.logId,
    operator: entry.operator,
    operate_time: beijingTime(entry.operateTime),
    operate_type: entry.operateType,
    ...(entry.operateDetails === undefined ? {} : { operate_details: entry.operateDetails }),
    image_list: publicUrls,
    ...(signed.length === 0 ? {} : { complaint_media_list: { media_type: byUser ? 'USER_COMPLAINT_IMAGE' : 'OPERATION_IMAGE', media_url: signed } }),
    ...(entry.normalMessage === undefined ? {} : { normal_message: entry.normalMessage }),
    ...(entry.clickMessage === undefined ? {} : { click_message: entry.clickMessage }),
    ...(entry.platformServiceReason === undefined
      ? {}
      : {
          user_appy_platform_service_reason: entry.platformServiceReason.reason,
          ...(entry.platformServiceReason.description === undefined
            ? {}
            : { user_appy_platform_service_reason_description: entry.platformServiceReason.description }),
        }),
  };
}

function page<T>(items: readonly T[], limit: number, offset: number, map: (item: T) => unknown): Record<string, unknown> {
  return {
    data: items.slice(offset, offset + limit).map(map),
    limit,
    offset,
    // Only the first page carries the total (spec 2.3).
    ...(offset === 0 ? { total_count: items.length } : {}),
  };
}

export function createComplaintRoutes(context: RouteContext): Route[] {
  const { state } = context;
  return [
    {
      name: 'listComplaints',
      method: 'GET',
      path: '/v3/merchant-service/complaints-v2',
      handle(request: RouteRequest) {
        const limit = integerParam(request.query, 'limit', 10, 1, 50);
        const offset = integerParam(request.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
        const begin = dateParam(request.query, 'begin_date');
        const end = dateParam(request.query, 'end_date');
        const span = daysBetween(begin, end);
        if (span < 0) throw paramError('begin_date 不能晚于 end_date');
        // 30 calendar days inclusive at most (spec 3.1).
        if (span > 29) throw paramError('查询时间跨度不能超过30天');
        const served = state.servedBy(request.caller);
        const filter = request.query.get('complainted_mchid');
        if (filter !== null && !served.includes(filter)) throw noAuth('无权查询该商户的投诉单');
        const merchants = filter === null ? served : [filter];
        const matching = [...state.complaints.values()]
          .filter((complaint) => merchants.includes(complaint.complaintedMchid))
          .filter((complaint) => {
            const date = beijingDate(complaint.complaintTime);
            return date >= begin && date <= end;
          })
          .sort((a, b) => b.complaintTime - a.complaintTime || (a.complaintId < b.complaintId ? 1 : -1));
        return { status: 200, json: page(matching, limit, offset, (complaint) => complaintInfo(context, request.caller, complaint, false)) };
      },
    },
    {
      name: 'getComplaint',
      method: 'GET',
      path: '/v3/merchant-service/complaints-v2/{complaint_id}',
      handle(request) {
        const complaint = state.complaintFor(request.caller, decodeParam(request, 'complaint_id'));
        return { status: 200, json: complaintInfo(context, request.caller, complaint, true) };
      },
    },
    {
      name: 'getNegotiationHistory',
      method: 'GET',
      path: '/v3/merchant-service/complaints-v2/{complaint_id}/negotiation-historys',
      handle(request) {
        const limit = integerParam(request.query, 'limit', 100, 1, 300);
        const offset = integerParam(request.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
        const complaint = state.complaintFor(request.caller, decodeParam(request, 'complaint_id'));
        return { status: 200, json: page(complaint.history, limit, offset, (entry) => negotiationRecord(context, entry)) };
      },
    },
  ];
}
