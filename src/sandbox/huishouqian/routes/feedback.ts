import { BusinessError, invalidParameter } from '../business-error.js';
import type { Handler, RouteContext } from '../route.js';

/** Writes answer success=true and carry their outcome inside (spec 1.5, OPEN 4). */
const ACCEPTED = { flag: true, respCode: '130000', respDesc: '受理成功' };

/** COMPLAINT_COMMIT_RESPONSE and COMPLAINT_COMMIT_COMPLETE (spec 2, third-party). */
export function createFeedbackRoutes(context: RouteContext): Record<'commitResponse' | 'commitComplete', Handler> {
  const { state } = context;
  return {
    commitResponse(merchantNo, business) {
      const complaint = state.find(merchantNo, business['complaintId']);
      const content = business['responseContent'];
      if (typeof content !== 'string' || content.trim() === '' || [...content].length > 200) throw invalidParameter('responseContent 参数校验失败');
      const images = Array.isArray(business['responseImages']) ? business['responseImages'].map(String) : [];
      if (images.length > 4) throw new BusinessError('130009', '回复最多携带四张图片');
      state.reply(complaint, content, images);
      return ACCEPTED;
    },
    commitComplete(merchantNo, business) {
      state.complete(state.find(merchantNo, business['complaintId']));
      return ACCEPTED;
    },
  };
}
