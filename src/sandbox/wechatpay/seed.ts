import { beijingDate } from '../beijing-time.js';
import type { ComplaintRecord, ComplaintState, HistoryEntry, StoredImage } from './complaint-record.js';
import { createPng } from './images.js';

/** A complained-about merchant; `spMchid` marks a sub-merchant served by that service provider. */
export interface SandboxMerchant {
  mchid: string;
  name: string;
  spMchid?: string;
  /** Its complaints carry power-bank rental details (additional_info SHARE_POWER_TYPE). */
  rentsPowerBanks?: boolean;
}

export const SANDBOX_MERCHANTS: readonly SandboxMerchant[] = [
  { mchid: '1900000101', name: '上海鲜果时光餐饮管理有限公司' },
  { mchid: '1900000102', name: '深圳极速出行科技有限公司' },
  { mchid: '1900000301', name: '成都小马充电宝租赁有限公司', spMchid: '1900000200', rentsPowerBanks: true },
  // A second sub-merchant of the same service provider: siblings are a different business each.
  { mchid: '1900000302', name: '成都蜀味小面餐饮有限公司', spMchid: '1900000200' },
];

export interface SeedData {
  complaints: ComplaintRecord[];
  media: Map<string, StoredImage>;
}

/** mulberry32: a tiny deterministic PRNG, so the same day always yields the same seed. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TEXTS: Record<string, { description: string; details: string[]; type: 'REFUND' | 'SERVICE_NOT_WORK' | 'OTHERS' }[]> = {
  '1900000101': [
    {
      type: 'REFUND',
      description: '申请退款',
      details: [
        '外卖送到时果切已经变质，有异味，要求全额退款。',
        '下单后等了两个小时还没送到，取消订单不给退款。',
        '收到的榴莲重量明显不足，称了只有一半，申请退差价。',
      ],
    },
    { type: 'SERVICE_NOT_WORK', description: '会员权益未生效', details: ['充值了年卡会员，下单时优惠没有生效。', '买了月卡，门店说系统查不到我的会员。'] },
    { type: 'OTHERS', description: '商品/服务问题', details: ['店员服务态度很差，打电话也没人接。', '发票一直开不出来，客服说再等等。'] },
  ],
  '1900000102': [
    {
      type: 'REFUND',
      description: '申请退款',
      details: ['打车时司机绕路，多收了二十多块，要求退还差价。', '订单已取消但还是扣了费，请退款。', '重复扣款两次，只坐了一趟车。'],
    },
    { type: 'SERVICE_NOT_WORK', description: '优惠券无法使用', details: ['领的出行券付款时用不了，提示不符合条件。', '开通了自动续费但权益一直没到账。'] },
    { type: 'OTHERS', description: '其他问题', details: ['司机态度恶劣，还辱骂乘客。', '行程结束后一直显示未支付，反复催缴。'] },
  ],
  '1900000301': [
    {
      type: 'REFUND',
      description: '申请退款',
      details: [
        '充电宝已经归还，但是一直在计费，扣了99元押金。',
        '充电宝根本充不进电，用了五分钟就还了，还收了一小时费用。',
        '归还时机柜显示已满，只能带走，结果扣了全额。',
      ],
    },
    { type: 'SERVICE_NOT_WORK', description: '免押服务未生效', details: ['开通了免押金租借，还是被冻结了押金。'] },
    { type: 'OTHERS', description: '其他问题', details: ['附近的机柜都坏了，无法归还。', '客服电话一直占线。'] },
  ],
  '1900000302': [
    { type: 'REFUND', description: '申请退款', details: ['面里吃出了头发，要求退款。', '点了两份只送来一份，钱扣了两份。'] },
    { type: 'OTHERS', description: '商品/服务问题', details: ['外卖洒了一半，商家不处理。', '店里卫生太差。'] },
  ],
};

const MERCHANT_REPLIES = [
  '您好，已经收到您的反馈，我们正在核实，请耐心等待。',
  '非常抱歉给您带来不便，已为您安排退款，预计1-3个工作日到账。',
  '您好，经核实订单正常，如有疑问请联系客服 400-820-8820。',
  '已联系门店处理，稍后会有专人与您联系。',
];
const USER_REPLIES = ['好的，请尽快处理。', '已经三天了还没有结果，请给个说法。', '收到，谢谢。', '退款什么时候能到账？'];
const DAY_MS = 86_400_000;

/** Several hundred complaints over the last ~120 days in every state, deterministic for a given day. */
export function createSeed(nowMs: number): SeedData {
  const day = beijingDate(nowMs);
  const random = createRandom(Number(day.replaceAll('-', '')));
  // Everything is placed before today's Beijing midnight, so the whole day sees the same data.
  const anchor = Date.parse(`${day}T00:00:00+08:00`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const media = new Map<string, StoredImage>();
  const newMedia = (): string => {
    // [A-Za-z0-9] plus `==`, so the URL form (`%3D%3D`) and the decoded form are both unambiguous.
    const id = `ChsyMDAwMDAw${day.replaceAll('-', '')}QSeed${String(media.size).padStart(6, '0')}AQ==`;
    media.set(id, { bytes: createPng(media.size), contentType: 'image/png' });
    return id;
  };
  const complaints: ComplaintRecord[] = [];
  let logSequence = 0;
  for (const [merchantIndex, merchant] of SANDBOX_MERCHANTS.entries()) {
    const catalogue = TEXTS[merchant.mchid] ?? [];
    for (let index = 0; index < 110; index++) {
      const ageMs = Math.floor(random() * 120 * DAY_MS) + 60_000;
      const complaintTime = anchor - ageMs;
      const topic = pick(catalogue);
      const detail = pick(topic.details);
      const amount = (1 + Math.floor(random() * 300)) * 100 - (merchant.spMchid === undefined ? 1 : 0);
      const ageDays = ageMs / DAY_MS;
      const state: ComplaintState = ageDays > 14 ? (random() < 0.9 ? 'PROCESSED' : 'PROCESSING') : pick(['PENDING', 'PROCESSING', 'PROCESSED'] as const);
      const history: HistoryEntry[] = [];
      let at = complaintTime;
      const log = (operator: string, operateType: string, operateDetails: string, imageIds: string[] = []): void => {
        logSequence += 1;
        at += Math.floor(random() * 6 * 3_600_000) + 60_000;
        history.push({
          logId: `3002${day.replaceAll('-', '')}${String(900_000_000_000_000 + logSequence)}`,
          operator,
          operateTime: Math.min(at, anchor),
          operateType,
          operateDetails,
          imageIds,
        });
      };
      const userMedia = random() < 0.5 ? [newMedia(), ...(random() < 0.3 ? [newMedia()] : [])] : [];
      history.push({
        logId: `3002${day.replaceAll('-', '')}${String(800_000_000_000_000 + complaints.length)}`,
        operator: '投诉人',
        operateTime: complaintTime,
        operateType: 'USER_CREATE_COMPLAINT',
        operateDetails: detail,
        imageIds: userMedia,
      });
      log('微信支付', 'USER_CREATE_COMPLAINT_SYSTEM_MESSAGE', '用户发起投诉，请商户尽快处理');
      const operationMedia: string[] = [];
      let refundDecision: 'APPROVE' | 'REJECT' | undefined;
      let fullRefunded = false;
      let incoming = false;
      if (state !== 'PENDING') {
        const images = random() < 0.2 ? [newMedia()] : [];
        operationMedia.push(...images);
        log('商户', 'MERCHANT_RESPONSE', pick(MERCHANT_REPLIES), images);
        if (random() < 0.5) {
          log('投诉人', 'USER_RESPONSE', pick(USER_REPLIES));
          incoming = state === 'PROCESSING' && random() < 0.6;
          if (!incoming) log('商户', 'MERCHANT_RESPONSE', pick(MERCHANT_REPLIES));
        }
      }
      if (state === 'PROCESSED') {
        if (topic.type === 'REFUND' && random() < 0.7) {
          refundDecision = random() < 0.75 ? 'APPROVE' : 'REJECT';
          if (refundDecision === 'APPROVE') {
            fullRefunded = true;
            log('商户', 'MERCHANT_APPROVE_REFUND', '同意退款，预计 0 个工作日内发起');
            log('微信支付', 'COMPLAINT_REFUND_RECEIVED_SYSTEM_MESSAGE', '退款已到账');
          } else {
            log('商户', 'MERCHANT_REFUSE_RERUND', '用户已使用服务，不符合退款条件');
          }
        } else {
          log('商户', 'MERCHANT_CONFIRM_COMPLETE', '商户已反馈处理完成');
        }
        if (random() < 0.4) log('投诉人', 'USER_SUBMIT_SATISFACTION', String(1 + Math.floor(random() * 5)));
      }
      const serial = String(complaints.length).padStart(6, '0');
      const date = beijingDate(complaintTime).replaceAll('-', '');
      const phone = random() < 0.7 ? `13${String(Math.floor(random() * 1e9)).padStart(9, '0')}` : undefined;
      const needImmediate = random() < 0.15;
      const tagRoll = random();
      const record: ComplaintRecord = {
        complaintId: `2002${merchantIndex}${date}${'0'.repeat(8)}${serial}`,
        complaintTime,
        detail,
        state,
        complaintedMchid: merchant.mchid,
        ...(phone === undefined ? {} : { payerPhone: phone }),
        payerOpenid: `oUpF8u${Math.floor(random() * 1e12)
          .toString(36)
          .padStart(8, 'x')}AJO_M2pxb1Q9zN${serial}`,
        orders: [{ transaction_id: `4200${date}${String(Math.floor(random() * 1e16)).padStart(16, '0')}`, out_trade_no: `SH${date}${serial}`, amount }],
        userMedia,
        operationMedia,
        fullRefunded,
        incomingUserResponse: incoming,
        problemDescription: topic.description,
        userComplaintTimes: random() < 0.1 ? 2 : 1,
        problemType: topic.type,
        ...(topic.type === 'REFUND' ? { applyRefundAmount: amount } : {}),
        userTags: tagRoll < 0.15 ? ['TRUSTED'] : tagRoll < 0.22 ? ['HIGH_RISK'] : [],
        ...(merchant.rentsPowerBanks !== true
          ? {}
          : {
              additionalInfo: {
                type: 'SHARE_POWER_TYPE',
                share_power_info: {
                  return_time: `${beijingDate(complaintTime + 3_600_000)}T${String(10 + Math.floor(random() * 10))}:15:00+08:00`,
                  return_address_info: {
                    return_address: pick(['成都市武侯区天府大道北段1700号环球中心', '成都市锦江区春熙路步行街98号', '成都市高新区交子大道177号']),
                    longitude: '104.06',
                    latitude: '30.57',
                  },
                  is_returned_to_same_machine: random() < 0.5,
                },
              },
            }),
        inPlatformService: random() < 0.05,
        needImmediateService: needImmediate,
        ...(refundDecision === undefined ? {} : { refundDecision }),
        history,
        immediateReplies: new Map(),
      };
      // Drawn without random(), so the rest of the seed stays as it was for a given day.
      const flow = record.inPlatformService ? 'ONGOING' : PLATFORM_FLOWS[index % PLATFORM_FLOWS.length];
      if (flow !== undefined) {
        logSequence = addPlatformService(record, flow, `3002${day.replaceAll('-', '')}`, logSequence, anchor);
      }
      complaints.push(record);
    }
  }
  return { complaints, media };
}

/**
 * Platform customer service in the seed (spec 2.2): some complaints show a user asking for help
 * (with its reason), a rich platform message, a click on its button, and the help ending or being
 * cancelled. One slot in 20 is taken; `undefined` slots get nothing.
 */
type PlatformFlow = 'ONGOING' | 'FINISHED' | 'CANCELLED';
const PLATFORM_FLOWS: readonly (PlatformFlow | undefined)[] = [
  ...Array.from({ length: 7 }, () => undefined),
  'FINISHED',
  ...Array.from({ length: 5 }, () => undefined),
  'CANCELLED',
  ...Array.from({ length: 6 }, () => undefined),
];

function addPlatformService(record: ComplaintRecord, flow: PlatformFlow, logPrefix: string, sequence: number, anchor: number): number {
  let at = record.history.at(-1)?.operateTime ?? record.complaintTime;
  let next = sequence;
  const log = (entry: Omit<HistoryEntry, 'logId' | 'operateTime' | 'imageIds'>): string => {
    next += 1;
    at = Math.min(at + 600_000, anchor);
    const logId = `${logPrefix}${String(900_000_000_000_000 + next)}`;
    record.history.push({ ...entry, logId, operateTime: at, imageIds: [] });
    return logId;
  };
  log({
    operator: '投诉人',
    operateType: 'USER_APPLY_PLATFORM_SERVICE',
    operateDetails: '用户申请微信支付客服介入',
    platformServiceReason: { reason: '商家未及时处理', description: '联系商家多次没有结果，希望平台介入。' },
  });
  if (flow === 'CANCELLED') {
    log({ operator: '投诉人', operateType: 'USER_CANCEL_PLATFORM_SERVICE', operateDetails: '用户取消了平台协助' });
    return next;
  }
  const actionId = `SEED_SOLVED_${record.complaintId}`;
  const platformLog = log({
    operator: '微信支付客服',
    operateType: 'PLATFORM_RESPONSE',
    operateDetails: '您好，微信支付客服已介入。问题解决后请点击下方按钮。',
    normalMessage: {
      blocks: [
        { type: 'TEXT', text: { text: '您好，微信支付客服已介入。问题解决后请点击下方按钮。' } },
        {
          type: 'BUTTON',
          button: { text: '问题已解决', action: { action_type: 'ACTION_TYPE_SEND_MESSAGE', message_info: { content: '问题已解决' }, action_id: actionId } },
        },
      ],
      sender_identity: 'MANUAL',
    },
  });
  if (flow === 'FINISHED') {
    log({
      operator: '投诉人',
      operateType: 'USER_CLICK_RESPONSE',
      operateDetails: '问题已解决',
      clickMessage: { message_content: { content: '问题已解决' }, action_id: actionId, clicked_log_id: platformLog },
    });
    log({ operator: '微信支付客服', operateType: 'PLATFORM_SERVICE_FINISHED', operateDetails: '微信支付客服协助已结束' });
  }
  return next;
}
