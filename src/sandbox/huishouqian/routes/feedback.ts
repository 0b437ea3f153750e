import { BusinessError, invalidParameter } from '../business-error.js';
import type { Handler, RouteContext } from '../route.js';

/** Writes answer success=true and carry their outcome inside (spec 1.5, OPEN 4). */
const ACCEPTED = { flag: true, respCode: '130000', respDesc: '受理成功' };

/** A reply's image file ids: at most four (130009), as strings (third-party clients send numbers too). */
function imagesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter('responseImages 参数校验失败');
  if (value.length > 4) throw new BusinessError('130009', '回复最多携带四张图片');
  return value.map(String);
}

/** COMPLAINT_COMMIT_RESPONSE and COMPLAINT_COMMIT_COMPLETE (spec 2, third-party). */
export function createFeedbackRoutes(context: RouteContext): Record<'commitResponse' | 'commitComplete', Handler> {
  const { state } = context;
  return {
    commitResponse(merchantNo, business) {
      const complaint = state.find(merchantNo, business['complaintId']);
      const content = business['responseContent'];
      if (typeof content !== 'string' || content.trim() === '' || [...content].length > 200) throw invalidParameter('responseContent 参数校验失败');
      const images = imagesOf(business['responseImages']);
      // actType: sent by a third-party client (spec 2), meaning unknown (spec 4.10): any int is accepted, nothing else.
      const actType = business['actType'];
      if (actType !== undefined && !(Number.isInteger(actType) || (typeof actType === 'string' && /^-?\d+$/.test(actType)))) {
        throw invalidParameter('actType 参数校验失败');
      }
      state.reply(complaint, content, images);
      return ACCEPTED;
    },
    commitComplete(merchantNo, business) {
      const complaint = state.find(merchantNo, business['complaintId']);
      // The third-party model also sends responseContent and responseImages (spec 2): accepted when well formed, not required.
      const content = business['responseContent'];
      if (content !== undefined && (typeof content !== 'string' || [...content].length > 200)) throw invalidParameter('responseContent 参数校验失败');
      imagesOf(business['responseImages']);
      state.complete(complaint);
      return ACCEPTED;
    },
  };
}
