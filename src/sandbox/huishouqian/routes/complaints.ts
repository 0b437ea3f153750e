import { beijingDate } from '../../beijing-time.js';
import { BusinessError, invalidParameter } from '../business-error.js';
import { dateParam, intParam, type Handler, type RouteContext } from '../route.js';

/** COMPLAINT_QUERY (spec 1, documented) and COMPLAINT_QUERY_HISTORY (spec 2, third-party). */
export function createComplaintRoutes(context: RouteContext): Record<'queryComplaints' | 'queryHistory', Handler> {
  const { state, agentMerchantNo } = context;
  return {
    queryComplaints(merchantNo, business) {
      // `limit` 0 or absent means the default page (spec 1.2: int[0,500]).
      const limit = intParam(business['limit'], 'limit', 0, 500, 100) || 100;
      const offset = intParam(business['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
      if (business['agentMerchantNo'] !== undefined && business['agentMerchantNo'] !== agentMerchantNo) throw new BusinessError('130006', '代理商商户号不匹配');
      let matching = state.complaints.filter((c) => c.merchantNo === merchantNo);
      const byId = typeof business['complaintId'] === 'string' ? business['complaintId'] : undefined;
      const byTrade = typeof business['merchantTradeNo'] === 'string' ? business['merchantTradeNo'] : undefined;
      // By id, seed 003's codes: 130003 unknown, 130004 another merchant's (130010 an empty id).
      if (byId !== undefined) matching = [state.find(merchantNo, byId)];
      if (byTrade !== undefined) matching = matching.filter((c) => c.merchantTradeNo === byTrade);
      if (byId === undefined && byTrade === undefined) {
        const begin = dateParam(business['beginDate'], 'beginDate');
        const end = dateParam(business['endDate'], 'endDate');
        const span = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${begin}T00:00:00Z`)) / 86_400_000;
        if (span < 0) throw invalidParameter('beginDate 不能晚于 endDate');
        // WeChat's 30-day rule, which Huishouqian relays (spec 1.2, assumed).
        if (span > 29) throw invalidParameter('查询时间跨度不能超过30天');
        matching = matching.filter((c) => beijingDate(c.complainedAtMs) >= begin && beijingDate(c.complainedAtMs) <= end);
      }
      matching.sort((a, b) => b.complainedAtMs - a.complainedAtMs || (a.complaintId < b.complaintId ? -1 : 1));
      const data = matching.slice(offset, offset + limit).map(({ history: _h, complainedAtMs: _t, ...wire }) => ({ ...wire, agentNo: agentMerchantNo }));
      // totalSize: all matching records, not the page's (spec 1.4, OPEN).
      return { offset, totalSize: matching.length, data };
    },
    queryHistory(merchantNo, business) {
      const complaint = state.find(merchantNo, business['complaintId']);
      const limit = intParam(business['limit'], 'limit', 1, 300, 100);
      const offset = intParam(business['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
      return { offset, totalSize: complaint.history.length, data: complaint.history.slice(offset, offset + limit) };
    },
  };
}
