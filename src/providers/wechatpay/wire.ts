import { z } from 'zod';

/*
 * WeChat Pay's JSON as WeChat spells it (spec section 2). Objects are not strict: WeChat adds keys
 * every year and clients must ignore them. Enum-like fields are plain strings here; the adapter
 * maps unknown values to UNKNOWN instead of failing the call.
 */

const complaintMedia = z.object({ media_type: z.string(), media_url: z.array(z.string()).optional() });

export const complaintInfoSchema = z.object({
  complaint_id: z.string().min(1),
  complaint_time: z.string().min(1),
  complaint_detail: z.string(),
  complaint_state: z.string(),
  complainted_mchid: z.string().optional(),
  payer_phone: z.string().optional(),
  payer_openid: z.string().optional(),
  complaint_order_info: z.array(z.object({ transaction_id: z.string().optional(), out_trade_no: z.string(), amount: z.number().int() })).optional(),
  service_order_info: z.array(z.record(z.string(), z.unknown())).optional(),
  complaint_media_list: z.array(complaintMedia).optional(),
  complaint_full_refunded: z.boolean().optional(),
  incoming_user_response: z.boolean().optional(),
  problem_description: z.string().optional(),
  user_complaint_times: z.number().int().optional(),
  problem_type: z.string().optional(),
  apply_refund_amount: z.number().int().optional(),
  user_tag_list: z.array(z.string()).optional(),
  additional_info: z.record(z.string(), z.unknown()).optional(),
  in_platform_service: z.boolean().optional(),
  need_immediate_service: z.boolean().optional(),
  is_agent_mode: z.boolean().optional(),
});
export type ComplaintInfo = z.infer<typeof complaintInfoSchema>;

export const complaintListSchema = z.object({
  data: z.array(complaintInfoSchema).nullish(),
  limit: z.number().int(),
  offset: z.number().int(),
  total_count: z.number().int().optional(),
});

const clickAction = z.object({
  action_type: z.string(),
  jump_url: z.string().optional(),
  mini_program_jump_info: z.object({ appid: z.string(), path: z.string().optional(), text: z.string().optional() }).optional(),
  message_info: z.object({ content: z.string(), custom_data: z.string().optional() }).optional(),
  action_id: z.string().optional(),
});
export type WireClickAction = z.infer<typeof clickAction>;

const invalidInfo = z.object({ expired_time: z.string().optional(), multi_clickable: z.boolean().optional() });
export type WireInvalidInfo = z.infer<typeof invalidInfo>;

const messageBlockSchema = z.object({
  type: z.string(),
  text: z.object({ text: z.string(), color: z.string().optional(), is_bold: z.boolean().optional() }).optional(),
  image: z.object({ media_id: z.string(), image_style_type: z.string().optional() }).optional(),
  link: z.object({ text: z.string(), action: clickAction, invalid_info: invalidInfo.optional() }).optional(),
  faq_list: z.object({ faqs: z.array(z.object({ faq_id: z.string(), faq_title: z.string(), action: clickAction })) }).optional(),
  button: z.object({ text: z.string(), action: clickAction, invalid_info: invalidInfo.optional() }).optional(),
  button_group: z
    .object({
      buttons: z.array(z.object({ text: z.string(), action: clickAction })),
      button_layout: z.string().optional(),
      invalid_info: invalidInfo.optional(),
    })
    .optional(),
});
export type WireMessageBlock = z.infer<typeof messageBlockSchema>;

const normalMessageSchema = z.object({
  blocks: z.array(messageBlockSchema).optional(),
  sender_identity: z.string().optional(),
  custom_data: z.string().optional(),
});
export type WireNormalMessage = z.infer<typeof normalMessageSchema>;

// Loose: fields WeChat adds later are kept (the adapter passes them on as extras).
const negotiationRecordSchema = z.looseObject({
  log_id: z.string(),
  operator: z.string(),
  operate_time: z.string(),
  operate_type: z.string(),
  operate_details: z.string().optional(),
  image_list: z.array(z.string()).optional(),
  complaint_media_list: complaintMedia.nullish(),
  normal_message: normalMessageSchema.optional(),
  click_message: z.object({ message_content: z.unknown().optional(), action_id: z.string().optional(), clicked_log_id: z.string().optional() }).optional(),
  user_appy_platform_service_reason: z.string().optional(),
  user_appy_platform_service_reason_description: z.string().optional(),
});
export type NegotiationRecord = z.infer<typeof negotiationRecordSchema>;

export const negotiationHistorySchema = z.object({
  data: z.array(negotiationRecordSchema).nullish(),
  limit: z.number().int(),
  offset: z.number().int(),
  total_count: z.number().int().optional(),
});

export const notificationConfigSchema = z.object({ mchid: z.string(), url: z.string() });
export const immediateReplySchema = z.object({ log_id: z.string().min(1) });
export const uploadResultSchema = z.object({ media_id: z.string().min(1) });
export const errorBodySchema = z.object({ code: z.string(), message: z.string().optional() });

/** Decrypted complaint notification resource (spec 4). */
export const complaintNotificationSchema = z.object({ complaint_id: z.string().min(1), action_type: z.string().min(1) });
