import type { OpenEnum } from './open-enum.js';

/** WeChat's rich "normal message" (immediate-service replies and negotiation history), in our words. */
export interface NormalMessage {
  blocks: MessageBlock[];
  senderIdentity: OpenEnum<'UNKNOWN' | 'MANUAL' | 'MACHINE'> | null;
  customData: string | null;
}

export type MessageBlock = TextBlock | ImageBlock | LinkBlock | FaqListBlock | ButtonBlock | ButtonGroupBlock;

export interface TextBlock {
  kind: 'TEXT';
  text: string;
  color: 'DEFAULT' | 'SECONDARY' | null;
  bold: boolean;
}

export interface ImageBlock {
  kind: 'IMAGE';
  mediaId: string;
  style: 'NARROW' | 'WIDE' | null;
}

export interface LinkBlock {
  kind: 'LINK';
  text: string;
  action: ClickAction;
  invalidInfo: InvalidInfo | null;
}

export interface FaqListBlock {
  kind: 'FAQ_LIST';
  faqs: { faqId: string; title: string; action: ClickAction }[];
}

export interface ButtonBlock {
  kind: 'BUTTON';
  text: string;
  action: ClickAction;
  invalidInfo: InvalidInfo | null;
}

export interface ButtonGroupBlock {
  kind: 'BUTTON_GROUP';
  buttons: { text: string; action: ClickAction }[];
  layout: 'HORIZONTAL' | 'VERTICAL' | null;
  invalidInfo: InvalidInfo | null;
}

export type ClickAction =
  | { kind: 'SEND_MESSAGE'; content: string; customData: string | null; actionId: string | null }
  | { kind: 'JUMP_URL'; url: string; actionId: string | null }
  | { kind: 'JUMP_MINI_PROGRAM'; appId: string; path: string | null; text: string | null; actionId: string | null }
  /** A click action type this gateway does not know yet; `raw` is the provider's spelling. */
  | { kind: 'UNKNOWN'; raw: string; actionId: string | null };

export interface InvalidInfo {
  /** ISO 8601 with offset. */
  expiresAt: string | null;
  multiClickable: boolean | null;
}
