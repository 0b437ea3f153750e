import { createHash } from 'node:crypto';
import { beijingStamp, type SandboxComplaint } from './state.js';

const DETAILS = [
  '商品质量有问题，要求退款',
  '支付成功但店家说没收到钱，重复扣款',
  '会员卡充值后无法使用',
  '外卖超时两个小时，商家不接电话',
  '收银员多收了我十元',
  '奶茶里有异物，要求赔偿',
];
const PROBLEMS = ['申请退款', '商品问题', '服务问题', '其他问题'];
const STATES = ['PENDING', 'PROCESSING', 'PROCESSED'] as const;

/** A deterministic number stream from a text seed (the same day gives the same data). */
function numbers(seed: string): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0);
}

/**
 * About 60 complaints per merchant spread over the 120 days before today's Beijing midnight, in
 * every state, with orders and histories. Ids look like WeChat's 27-digit complaint ids.
 */
export function seedComplaints(merchantNos: readonly string[], nowMs: number): SandboxComplaint[] {
  const midnight = Math.floor((nowMs + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
  const out: SandboxComplaint[] = [];
  for (const [m, merchantNo] of merchantNos.entries()) {
    const next = numbers(`${merchantNo}:${new Date(midnight).toISOString().slice(0, 10)}`);
    for (let i = 0; i < 60; i++) {
      const at = midnight - 1_000 - (next() % (120 * 86_400_000));
      const state = STATES[i % 3] ?? 'PENDING';
      const stamp = beijingStamp(at);
      const complaintId = `2002${String(m)}${stamp}${String(next() % 1_000_000_000).padStart(8, '0')}`.slice(0, 27).padEnd(27, '0');
      const history = [
        {
          logId: `3002${complaintId.slice(4)}01`,
          operator: '投诉人',
          operateTime: stamp,
          operateType: 'USER_CREATE_COMPLAINT',
          operateDetails: '用户提交投诉',
          imageList: [],
        },
      ];
      if (state !== 'PENDING') {
        history.push({
          logId: `3002${complaintId.slice(4)}02`,
          operator: '商户',
          operateTime: beijingStamp(at + 3_600_000),
          operateType: 'MERCHANT_RESPONSE',
          operateDetails: '您好，已为您核实处理',
          imageList: [],
        });
      }
      if (state === 'PROCESSED') {
        history.push({
          logId: `3002${complaintId.slice(4)}03`,
          operator: '商户',
          operateTime: beijingStamp(at + 7_200_000),
          operateType: 'MERCHANT_CONFIRM_COMPLETE',
          operateDetails: '',
          imageList: [],
        });
      }
      out.push({
        complaintId,
        merchantNo,
        merchantTradeNo: `HSQ${stamp}${String(i).padStart(4, '0')}`,
        amount: 100 + (next() % 50_000),
        complaintState: state,
        complaintTime: stamp,
        complainedAtMs: Math.floor(at / 1000) * 1000,
        problemDescription: PROBLEMS[next() % PROBLEMS.length] ?? '其他问题',
        complaintDetail: DETAILS[next() % DETAILS.length] ?? '其他问题',
        userComplaintTimes: 1 + (next() % 2),
        incomingUserResponse: state === 'PROCESSED' ? 0 : next() % 2 === 0 ? 1 : 0,
        payerOpenid: `o0Wuoj${createHash('sha1').update(complaintId).digest('base64url').slice(0, 22)}`,
        payerPhone: `13${String(next() % 1_000_000_000).padStart(9, '0')}`,
        complaintFullRefunded: state === 'PROCESSED' && i % 2 === 0 ? 1 : 0,
        history,
      });
    }
  }
  return out;
}
