import type { ClickAction, InvalidInfo, MessageBlock, NormalMessage } from '../../domain/message.js';
import { toOpenEnum } from '../../domain/open-enum.js';
import type { WireClickAction, WireInvalidInfo, WireMessageBlock, WireNormalMessage } from './wire.js';

/*
 * NormalMessage both ways (spec 2.4). Reading, a block whose `type` we do not know is dropped
 * rather than failing the history; writing, the domain union is total.
 */

function actionFromWire(action: WireClickAction): ClickAction {
  const actionId = action.action_id ?? null;
  switch (action.action_type) {
    case 'ACTION_TYPE_SEND_MESSAGE':
      return { kind: 'SEND_MESSAGE', content: action.message_info?.content ?? '', customData: action.message_info?.custom_data ?? null, actionId };
    case 'ACTION_TYPE_JUMP_URL':
      return { kind: 'JUMP_URL', url: action.jump_url ?? '', actionId };
    case 'ACTION_TYPE_JUMP_MINI_PROGRAM':
      return {
        kind: 'JUMP_MINI_PROGRAM',
        appId: action.mini_program_jump_info?.appid ?? '',
        path: action.mini_program_jump_info?.path ?? null,
        text: action.mini_program_jump_info?.text ?? null,
        actionId,
      };
    default:
      return { kind: 'UNKNOWN', raw: action.action_type, actionId };
  }
}

function invalidFromWire(info: WireInvalidInfo | undefined): InvalidInfo | null {
  return info === undefined ? null : { expiresAt: info.expired_time ?? null, multiClickable: info.multi_clickable ?? null };
}

function blockFromWire(block: WireMessageBlock): MessageBlock | null {
  switch (block.type) {
    case 'TEXT':
      return block.text
        ? {
            kind: 'TEXT',
            text: block.text.text,
            color: block.text.color === 'SECONDARY' ? 'SECONDARY' : block.text.color === 'DEFAULT' ? 'DEFAULT' : null,
            bold: block.text.is_bold ?? false,
          }
        : null;
    case 'IMAGE':
      return block.image
        ? {
            kind: 'IMAGE',
            mediaId: block.image.media_id,
            style:
              block.image.image_style_type === 'IMAGE_STYLE_TYPE_WIDE' ? 'WIDE' : block.image.image_style_type === 'IMAGE_STYLE_TYPE_NARROW' ? 'NARROW' : null,
          }
        : null;
    case 'LINK':
      return block.link
        ? { kind: 'LINK', text: block.link.text, action: actionFromWire(block.link.action), invalidInfo: invalidFromWire(block.link.invalid_info) }
        : null;
    case 'FAQ_LIST':
      return block.faq_list
        ? { kind: 'FAQ_LIST', faqs: block.faq_list.faqs.map((faq) => ({ faqId: faq.faq_id, title: faq.faq_title, action: actionFromWire(faq.action) })) }
        : null;
    case 'BUTTON':
      return block.button
        ? { kind: 'BUTTON', text: block.button.text, action: actionFromWire(block.button.action), invalidInfo: invalidFromWire(block.button.invalid_info) }
        : null;
    case 'BUTTON_GROUP':
      return block.button_group
        ? {
            kind: 'BUTTON_GROUP',
            buttons: block.button_group.buttons.map((button) => ({ text: button.text, action: actionFromWire(button.action) })),
            layout:
              block.button_group.button_layout === 'LAYOUT_HORIZONTAL'
                ? 'HORIZONTAL'
                : block.button_group.button_layout === 'LAYOUT_VERTICAL'
                  ? 'VERTICAL'
                  : null,
            invalidInfo: invalidFromWire(block.button_group.invalid_info),
          }
        : null;
    default:
      return null;
  }
}

export function messageFromWire(message: WireNormalMessage): NormalMessage {
  return {
    blocks: (message.blocks ?? []).map(blockFromWire).filter((block): block is MessageBlock => block !== null),
    senderIdentity: message.sender_identity === undefined ? null : toOpenEnum(['UNKNOWN', 'MANUAL', 'MACHINE'] as const, message.sender_identity),
    customData: message.custom_data ?? null,
  };
}

function actionToWire(action: ClickAction): WireClickAction {
  const id = action.actionId === null ? {} : { action_id: action.actionId };
  switch (action.kind) {
    case 'SEND_MESSAGE':
      return {
        action_type: 'ACTION_TYPE_SEND_MESSAGE',
        message_info: { content: action.content, ...(action.customData === null ? {} : { custom_data: action.customData }) },
        ...id,
      };
    case 'JUMP_URL':
      return { action_type: 'ACTION_TYPE_JUMP_URL', jump_url: action.url, ...id };
    case 'JUMP_MINI_PROGRAM':
      return {
        action_type: 'ACTION_TYPE_JUMP_MINI_PROGRAM',
        // The request model (seed 002) has appid and path only: `text` appears in history answers.
        mini_program_jump_info: {
          appid: action.appId,
          ...(action.path === null ? {} : { path: action.path }),
        },
        ...id,
      };
    case 'UNKNOWN':
      return { action_type: action.raw, ...id };
  }
}

function invalidToWire(info: InvalidInfo | null): { invalid_info?: WireInvalidInfo } {
  if (info === null) return {};
  return {
    invalid_info: {
      ...(info.expiresAt === null ? {} : { expired_time: info.expiresAt }),
      ...(info.multiClickable === null ? {} : { multi_clickable: info.multiClickable }),
    },
  };
}

function blockToWire(block: MessageBlock): WireMessageBlock {
  switch (block.kind) {
    case 'TEXT':
      return { type: 'TEXT', text: { text: block.text, ...(block.color === null ? {} : { color: block.color }), is_bold: block.bold } };
    case 'IMAGE':
      return { type: 'IMAGE', image: { media_id: block.mediaId, ...(block.style === null ? {} : { image_style_type: `IMAGE_STYLE_TYPE_${block.style}` }) } };
    case 'LINK':
      return { type: 'LINK', link: { text: block.text, action: actionToWire(block.action), ...invalidToWire(block.invalidInfo) } };
    case 'FAQ_LIST':
      return { type: 'FAQ_LIST', faq_list: { faqs: block.faqs.map((faq) => ({ faq_id: faq.faqId, faq_title: faq.title, action: actionToWire(faq.action) })) } };
    case 'BUTTON':
      return { type: 'BUTTON', button: { text: block.text, action: actionToWire(block.action), ...invalidToWire(block.invalidInfo) } };
    case 'BUTTON_GROUP':
      return {
        type: 'BUTTON_GROUP',
        button_group: {
          buttons: block.buttons.map((button) => ({ text: button.text, action: actionToWire(button.action) })),
          ...(block.layout === null ? {} : { button_layout: `LAYOUT_${block.layout}` }),
          ...invalidToWire(block.invalidInfo),
        },
      };
  }
}

export function messageToWire(message: NormalMessage): WireNormalMessage {
  return {
    blocks: message.blocks.map(blockToWire),
    ...(message.senderIdentity === null ? {} : { sender_identity: message.senderIdentity.raw }),
    ...(message.customData === null ? {} : { custom_data: message.customData }),
  };
}
