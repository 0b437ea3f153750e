import { paramError } from './api-error.js';

/** Validation of a NormalMessage (spec 2.4); returns the media ids of its IMAGE blocks. */

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

function array(value: unknown, path: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) throw paramError(`${path} 数量应在 [${min},${max}]`);
  return value;
}

export function requireHttpsUrl(value: unknown, path: string): void {
  const text = requireText(value, path, 512);
  if (!text.startsWith('https://') || !URL.canParse(text)) throw paramError(`${path} 必须是 https 链接`);
}

function clickAction(value: unknown, path: string): void {
  const action = object(value, path);
  const type = action['action_type'];
  if (type === 'ACTION_TYPE_JUMP_URL') requireHttpsUrl(action['jump_url'], `${path}.jump_url`);
  else if (type === 'ACTION_TYPE_JUMP_MINI_PROGRAM')
    requireText(object(action['mini_program_jump_info'], `${path}.mini_program_jump_info`)['appid'], `${path}.mini_program_jump_info.appid`, 64);
  else if (type === 'ACTION_TYPE_SEND_MESSAGE')
    requireText(object(action['message_info'], `${path}.message_info`)['content'], `${path}.message_info.content`, 200);
  else throw paramError(`${path}.action_type 取值错误`);
}

function invalidInfo(value: unknown, path: string): void {
  if (value === undefined) return;
  const info = object(value, path);
  if (info['expired_time'] !== undefined && (typeof info['expired_time'] !== 'string' || Number.isNaN(Date.parse(info['expired_time'])))) {
    throw paramError(`${path}.expired_time 格式错误`);
  }
  if (info['multi_clickable'] !== undefined && typeof info['multi_clickable'] !== 'boolean') throw paramError(`${path}.multi_clickable 必须是布尔值`);
}

export function validateNormalMessage(value: unknown): string[] {
  const message = object(value, 'message');
  optionalEnum(message['sender_identity'], 'message.sender_identity', ['UNKNOWN', 'MANUAL', 'MACHINE']);
  if (message['custom_data'] !== undefined) requireText(message['custom_data'], 'message.custom_data', 4096);
  const mediaIds: string[] = [];
  const blocks = array(message['blocks'] ?? [], 'message.blocks', 0, 20);
  blocks.forEach((raw, index) => {
    const path = `message.blocks[${index}]`;
    const block = object(raw, path);
    // The block's type names the sibling object that counts; extra siblings are tolerated (spec 2.4).
    switch (block['type']) {
      case 'TEXT': {
        const text = object(block['text'], `${path}.text`);
        requireText(text['text'], `${path}.text.text`, 1000);
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
        requireText(link['text'], `${path}.link.text`, 100);
        clickAction(link['action'], `${path}.link.action`);
        invalidInfo(link['invalid_info'], `${path}.link.invalid_info`);
        break;
      }
      case 'FAQ_LIST': {
        const faqs = array(object(block['faq_list'], `${path}.faq_list`)['faqs'], `${path}.faq_list.faqs`, 1, 10);
        faqs.forEach((rawFaq, faqIndex) => {
          const faq = object(rawFaq, `${path}.faq_list.faqs[${faqIndex}]`);
          requireText(faq['faq_id'], `${path}.faq_list.faqs[${faqIndex}].faq_id`, 64);
          requireText(faq['faq_title'], `${path}.faq_list.faqs[${faqIndex}].faq_title`, 100);
          clickAction(faq['action'], `${path}.faq_list.faqs[${faqIndex}].action`);
        });
        break;
      }
      case 'BUTTON': {
        const button = object(block['button'], `${path}.button`);
        requireText(button['text'], `${path}.button.text`, 20);
        clickAction(button['action'], `${path}.button.action`);
        invalidInfo(button['invalid_info'], `${path}.button.invalid_info`);
        break;
      }
      case 'BUTTON_GROUP': {
        const group = object(block['button_group'], `${path}.button_group`);
        array(group['buttons'], `${path}.button_group.buttons`, 1, 10).forEach((rawButton, buttonIndex) => {
          const button = object(rawButton, `${path}.button_group.buttons[${buttonIndex}]`);
          requireText(button['text'], `${path}.button_group.buttons[${buttonIndex}].text`, 20);
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
