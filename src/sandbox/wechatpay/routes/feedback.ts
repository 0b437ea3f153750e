import { requireHttpsUrl, requireText, validateNormalMessage } from '../normal-message.js';
import { noAuth, paramError } from '../api-error.js';
import { decodeParam, jsonBody, type Route, type RouteContext, type RouteRequest } from '../route.js';
import type { ComplaintRecord } from '../complaint-record.js';

/** Endpoints 4–7: reply, complete, refund progress, immediate-service reply (spec 3.4–3.7). */

function stringList(value: unknown, path: string, max: number): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) throw paramError(`${path} 必须是字符串数组`);
  if (value.length > max) throw paramError(`${path} 最多${max}个`);
  return value as string[];
}

/** The complaint named in the path, checked against the body's complainted_mchid. */
function ownedComplaint(context: RouteContext, request: RouteRequest, body: Record<string, unknown>): ComplaintRecord {
  const complainted = body['complainted_mchid'];
  if (typeof complainted !== 'string' || complainted === '') throw paramError('缺少 complainted_mchid');
  const complaint = context.state.complaintFor(request.caller, decodeParam(request, 'complaint_id'));
  if (complaint.complaintedMchid !== complainted) throw noAuth('complainted_mchid 与投诉单不符');
  return complaint;
}

export function createFeedbackRoutes(context: RouteContext): Route[] {
  const { state } = context;
  return [
    {
      name: 'reply',
      method: 'POST',
      path: '/v3/merchant-service/complaints-v2/{complaint_id}/response',
      handle(request) {
        const body = jsonBody(request);
        const content = requireText(body['response_content'], 'response_content', 200);
        const images = stringList(body['response_images'], 'response_images', 4);
        const jumpUrl = body['jump_url'];
        const jumpText = body['jump_url_text'];
        if ((jumpUrl === undefined) !== (jumpText === undefined)) throw paramError('jump_url 与 jump_url_text 需同时填写');
        if (jumpUrl !== undefined) {
          requireHttpsUrl(jumpUrl, 'jump_url');
          requireText(jumpText, 'jump_url_text', 10);
        }
        const mini = body['mini_program_jump_info'];
        if (mini !== undefined) {
          if (mini === null || typeof mini !== 'object') throw paramError('mini_program_jump_info 必须是对象');
          const info = mini as Record<string, unknown>;
          requireText(info['appid'], 'mini_program_jump_info.appid', 64);
          requireText(info['path'], 'mini_program_jump_info.path', 512);
          requireText(info['text'], 'mini_program_jump_info.text', 10);
        }
        const complaint = ownedComplaint(context, request, body);
        state.reply(request.caller, complaint, content, images);
        return { status: 204 };
      },
    },
    {
      name: 'complete',
      method: 'POST',
      path: '/v3/merchant-service/complaints-v2/{complaint_id}/complete',
      handle(request) {
        state.complete(ownedComplaint(context, request, jsonBody(request)));
        return { status: 204 };
      },
    },
    {
      name: 'updateRefundProgress',
      method: 'POST',
      path: '/v3/merchant-service/complaints-v2/{complaint_id}/update-refund-progress',
      handle(request) {
        const body = jsonBody(request);
        const { action, launch_refund_day: launchDay, reject_reason: reason, remark } = body;
        if (remark !== undefined) requireText(remark, 'remark', 200);
        const mediaIds = stringList(body['reject_media_list'], 'reject_media_list', 4);
        // No complainted_mchid in this body (spec 3.6): the caller must own the complaint.
        const complaint = state.complaintFor(request.caller, decodeParam(request, 'complaint_id'));
        if (action === 'APPROVE') {
          // Optional even with APPROVE (spec 3.6: only `action` is required) and no documented range:
          // when present it must be a whole number of working days, 0 or more.
          let launchRefundDay: number | null = null;
          if (launchDay !== undefined) {
            if (typeof launchDay !== 'number' || !Number.isInteger(launchDay) || launchDay < 0) throw paramError('launch_refund_day 必须是非负整数');
            launchRefundDay = launchDay;
          }
          if (reason !== undefined || mediaIds.length > 0) throw paramError('APPROVE 不能带 reject_reason / reject_media_list');
          state.updateRefundProgress(request.caller, complaint, { action, launchRefundDay });
        } else if (action === 'REJECT') {
          if (launchDay !== undefined) throw paramError('REJECT 不能带 launch_refund_day');
          state.updateRefundProgress(request.caller, complaint, { action, reason: requireText(reason, 'reject_reason', 200), mediaIds });
        } else {
          throw paramError('action 只能是 APPROVE 或 REJECT');
        }
        return { status: 204 };
      },
    },
    {
      name: 'replyImmediately',
      method: 'POST',
      path: '/v3/merchant-service/complaints-v2/{complaint_id}/response-immediate-service',
      handle(request) {
        const body = jsonBody(request);
        const idempotentId = requireText(body['idempotent_id'], 'idempotent_id', 128);
        const mediaIds = validateNormalMessage(body['message']);
        const complaint = ownedComplaint(context, request, body);
        const logId = state.replyImmediately(request.caller, complaint, idempotentId, body['message'], mediaIds);
        return { status: 200, json: { log_id: logId } };
      },
    },
  ];
}
