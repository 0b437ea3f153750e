import { paramError } from './api-error.js';

/**
 * Validation of a NormalMessage (spec 2.4); returns the media ids of its IMAGE blocks. Only what the
 * seeds state is enforced: the shape, the enums, custom_data ≤ 4096, and APIv3's no-4-byte-character
 * rule. Lengths of texts and titles, block/FAQ/button counts, an https-only jump_url and an RFC 3339
 * expired_time are not documented (seed 002's own example sends "example_expired_time" and
 * "example_jump_url"), so none of them is refused here.
 */

type Json = Record<string, unknown>;

function object(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw paramError(`${path} 必须是对象`);
  return value as Json;
}

export function requireText(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw paramError(`${path} 不能为空`);
  if ([...value].length > max) throw paramError(`${path} 长度不能超过${max}`);
  // APIv3 accepts 1–3 byte UTF-8 characters only (no emoji).
  if (/[\u{10000}-\u{10FFFF}]/u.test(value)) throw paramError(`${path} 含有不支持的字符`);
  return value;
}

function optionalEnum(value: unknown, path: string, allowed: readonly string[]): void {
  if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) throw paramError(`${path} 取值错误`);
}

/** A required non-empty string without a documented length limit. */
function requireString(value: unknown, path: string): string {
  return requireText(value, path, Number.POSITIVE_INFINITY);
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw paramError(`${path} 必须是数组`);
  return value;
}

export function requireHttpsUrl(value: unknown, path: string): void {
  const text = requireText(value, path, 512);
  if (!text.startsWith('https://') || !URL.canParse(text)) throw paramError(`${path} 必须是 https 链接`);
}

/**
 * The action type names the sibling that carries its target, which must then be present (a sandbox
 * choice: the seeds only mark appid as required); other siblings are tolerated, as seed 002 sends them all.
 */
function clickAction(value: unknown, path: string): void {
  const action = object(value, path);
  const type = action['action_type'];
  if (type === 'ACTION_TYPE_JUMP_URL') requireString(action['jump_url'], `${path}.jump_url`);
  else if (type === 'ACTION_TYPE_JUMP_MINI_PROGRAM')
    requireString(object(action['mini_program_jump_info'], `${path}.mini_program_jump_info`)['appid'], `${path}.mini_program_jump_info.appid`);
  else if (type === 'ACTION_TYPE_SEND_MESSAGE')
    requireString(object(action['message_info'], `${path}.message_info`)['content'], `${path}.message_info.content`);
  else throw paramError(`${path}.action_type 取值错误`);
}

function invalidInfo(value: unknown, path: string): void {
  if (value === undefined) return;
  const info = object(value, path);
  // A string, not necessarily RFC 3339: seed 002's example sends "example_expired_time".
  if (info['expired_time'] !== undefined && typeof info['expired_time'] !== 'string') throw paramError(`${path}.expired_time 必须是字符串`);
  if (info['multi_clickable'] !== undefined && typeof info['multi_clickable'] !== 'boolean') throw paramError(`${path}.multi_clickable 必须是布尔值`);
}

export function validateNormalMessage(value: unknown): string[] {
  const message = object(value, 'message');
  optionalEnum(message['sender_identity'], 'message.sender_identity', ['UNKNOWN', 'MANUAL', 'MACHINE']);
  if (message['custom_data'] !== undefined) requireText(message['custom_data'], 'message.custom_data', 4096);
  const mediaIds: string[] = [];
  const blocks = array(message['blocks'] ?? [], 'message.blocks');
  blocks.forEach((raw, index) => {
    const path = `message.blocks[${index}]`;
    const block = object(raw, path);
    // The block's type names the sibling object that counts; extra siblings are tolerated (spec 2.4).
    switch (block['type']) {
      case 'TEXT': {
        const text = object(block['text'], `${path}.text`);
        requireString(text['text'], `${path}.text.text`);
        optionalEnum(text['color'], `${path}.text.color`, ['DEFAULT', 'SECONDARY']);
        break;
      }
      case 'IMAGE': {
        const image = object(block['image'], `${path}.image`);
        mediaIds.push(requireText(image['media_id'], `${path}.image.media_id`, 512));
        optionalEnum(image['image_style_type'], `${path}.image.image_style_type`, ['IMAGE_STYLE_TYPE_NARROW', 'IMAGE_STYLE_TYPE_WIDE']);
        break;
      }
      case 'LINK': {
        const link = object(block['link'], `${path}.link`);
        requireString(link['text'], `${path}.link.text`);
        clickAction(link['action'], `${path}.link.action`);
        invalidInfo(link['invalid_info'], `${path}.link.invalid_info`);
        break;
      }
      case 'FAQ_LIST': {
        const faqs = array(object(block['faq_list'], `${path}.faq_list`)['faqs'], `${path}.faq_list.faqs`);
        faqs.forEach((rawFaq, faqIndex) => {
          const faq = object(rawFaq, `${path}.faq_list.faqs[${faqIndex}]`);
          requireString(faq['faq_id'], `${path}.faq_list.faqs[${faqIndex}].faq_id`);
          requireString(faq['faq_title'], `${path}.faq_list.faqs[${faqIndex}].faq_title`);
          clickAction(faq['action'], `${path}.faq_list.faqs[${faqIndex}].action`);
        });
        break;
      }
      case 'BUTTON': {
        const button = object(block['button'], `${path}.button`);
        requireString(button['text'], `${path}.button.text`);
        clickAction(button['action'], `${path}.button.action`);
        invalidInfo(button['invalid_info'], `${path}.button.invalid_info`);
        break;
      }
      case 'BUTTON_GROUP': {
        const group = object(block['button_group'], `${path}.button_group`);
        array(group['buttons'], `${path}.button_group.buttons`).forEach((rawButton, buttonIndex) => {
          const button = object(rawButton, `${path}.button_group.buttons[${buttonIndex}]`);
          requireString(button['text'], `${path}.button_group.buttons[${buttonIndex}].text`);
          clickAction(button['action'], `${path}.button_group.buttons[${buttonIndex}].action`);
        });
        optionalEnum(group['button_layout'], `${path}.button_group.button_layout`, ['LAYOUT_UNKNOWN', 'LAYOUT_HORIZONTAL', 'LAYOUT_VERTICAL']);
        invalidInfo(group['invalid_info'], `${path}.button_group.invalid_info`);
        break;
      }
      default:
        throw paramError(`${path}.type 取值错误`);
    }
  });
  return mediaIds;
}
