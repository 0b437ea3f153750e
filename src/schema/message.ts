import { ValidationError } from '../domain/errors.js';
import type {
  ButtonBlock,
  ButtonGroupBlock,
  ClickAction,
  FaqListBlock,
  ImageBlock,
  InvalidInfo,
  LinkBlock,
  MessageBlock,
  NormalMessage,
  TextBlock,
} from '../domain/message.js';
import { builder } from './builder.js';

const SenderIdentityEnum = builder.enumType('SenderIdentity', { values: ['UNKNOWN', 'MANUAL', 'MACHINE'] as const });
const TextColorEnum = builder.enumType('TextColor', { values: ['DEFAULT', 'SECONDARY'] as const });
const ImageStyleEnum = builder.enumType('ImageStyle', { values: ['NARROW', 'WIDE'] as const });
const ButtonLayoutEnum = builder.enumType('ButtonLayout', { values: ['HORIZONTAL', 'VERTICAL'] as const });
const ClickActionKindEnum = builder.enumType('ClickActionKind', {
  description: 'UNKNOWN: an action type this gateway does not know yet; see `kindRaw`.',
  values: ['SEND_MESSAGE', 'JUMP_URL', 'JUMP_MINI_PROGRAM', 'UNKNOWN'] as const,
});

const ClickActionRef = builder.objectRef<ClickAction>('ClickAction').implement({
  description: 'What a click on a link, button or FAQ does; fields not of its kind are null.',
  fields: (t) => ({
    kind: t.field({ type: ClickActionKindEnum, resolve: (action) => action.kind }),
    kindRaw: t.string({ nullable: true, resolve: (action) => (action.kind === 'UNKNOWN' ? action.raw : null) }),
    actionId: t.exposeString('actionId', { nullable: true }),
    content: t.string({ nullable: true, resolve: (action) => (action.kind === 'SEND_MESSAGE' ? action.content : null) }),
    customData: t.string({ nullable: true, resolve: (action) => (action.kind === 'SEND_MESSAGE' ? action.customData : null) }),
    url: t.string({ nullable: true, resolve: (action) => (action.kind === 'JUMP_URL' ? action.url : null) }),
    appId: t.string({ nullable: true, resolve: (action) => (action.kind === 'JUMP_MINI_PROGRAM' ? action.appId : null) }),
    path: t.string({ nullable: true, resolve: (action) => (action.kind === 'JUMP_MINI_PROGRAM' ? action.path : null) }),
    text: t.string({ nullable: true, resolve: (action) => (action.kind === 'JUMP_MINI_PROGRAM' ? action.text : null) }),
  }),
});

const InvalidInfoRef = builder.objectRef<InvalidInfo>('InvalidInfo').implement({
  fields: (t) => ({
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    multiClickable: t.exposeBoolean('multiClickable', { nullable: true }),
  }),
});

const TextBlockRef = builder.objectRef<TextBlock>('TextBlock').implement({
  fields: (t) => ({
    text: t.exposeString('text'),
    color: t.expose('color', { type: TextColorEnum, nullable: true }),
    bold: t.exposeBoolean('bold'),
  }),
});

const ImageBlockRef = builder.objectRef<ImageBlock>('ImageBlock').implement({
  fields: (t) => ({
    mediaId: t.exposeString('mediaId'),
    style: t.expose('style', { type: ImageStyleEnum, nullable: true }),
  }),
});

const LinkBlockRef = builder.objectRef<LinkBlock>('LinkBlock').implement({
  fields: (t) => ({
    text: t.exposeString('text'),
    action: t.expose('action', { type: ClickActionRef }),
    invalidInfo: t.expose('invalidInfo', { type: InvalidInfoRef, nullable: true }),
  }),
});

type Faq = FaqListBlock['faqs'][number];
const FaqRef = builder.objectRef<Faq>('Faq').implement({
  fields: (t) => ({
    faqId: t.exposeString('faqId'),
    title: t.exposeString('title'),
    action: t.expose('action', { type: ClickActionRef }),
  }),
});

const FaqListBlockRef = builder.objectRef<FaqListBlock>('FaqListBlock').implement({
  fields: (t) => ({ faqs: t.expose('faqs', { type: [FaqRef] }) }),
});

const ButtonBlockRef = builder.objectRef<ButtonBlock>('ButtonBlock').implement({
  fields: (t) => ({
    text: t.exposeString('text'),
    action: t.expose('action', { type: ClickActionRef }),
    invalidInfo: t.expose('invalidInfo', { type: InvalidInfoRef, nullable: true }),
  }),
});

type GroupButton = ButtonGroupBlock['buttons'][number];
const MessageButtonRef = builder.objectRef<GroupButton>('MessageButton').implement({
  fields: (t) => ({
    text: t.exposeString('text'),
    action: t.expose('action', { type: ClickActionRef }),
  }),
});

const ButtonGroupBlockRef = builder.objectRef<ButtonGroupBlock>('ButtonGroupBlock').implement({
  fields: (t) => ({
    buttons: t.expose('buttons', { type: [MessageButtonRef] }),
    layout: t.expose('layout', { type: ButtonLayoutEnum, nullable: true }),
    invalidInfo: t.expose('invalidInfo', { type: InvalidInfoRef, nullable: true }),
  }),
});

const BLOCK_TYPES = {
  TEXT: TextBlockRef,
  IMAGE: ImageBlockRef,
  LINK: LinkBlockRef,
  FAQ_LIST: FaqListBlockRef,
  BUTTON: ButtonBlockRef,
  BUTTON_GROUP: ButtonGroupBlockRef,
} as const;

const MessageBlockUnion = builder.unionType('MessageBlock', {
  types: Object.values(BLOCK_TYPES),
  resolveType: (block: MessageBlock) => BLOCK_TYPES[block.kind],
});

export const NormalMessageRef = builder.objectRef<NormalMessage>('NormalMessage').implement({
  description: "WeChat Pay's rich message: blocks of text, images, links, FAQs and buttons.",
  fields: (t) => ({
    blocks: t.field({ type: [MessageBlockUnion], resolve: (message) => message.blocks }),
    senderIdentity: t.field({ type: SenderIdentityEnum, nullable: true, resolve: (message) => message.senderIdentity?.value ?? null }),
    senderIdentityRaw: t.string({ nullable: true, resolve: (message) => message.senderIdentity?.raw ?? null }),
    customData: t.exposeString('customData', { nullable: true }),
  }),
});

// Inputs: one @oneOf per choice, so a block or action is exactly one kind by construction.

const SendMessageActionInput = builder.inputType('SendMessageActionInput', {
  fields: (t) => ({
    content: t.string({ required: true }),
    customData: t.string(),
    actionId: t.string(),
  }),
});

const JumpUrlActionInput = builder.inputType('JumpUrlActionInput', {
  fields: (t) => ({ url: t.string({ required: true }), actionId: t.string() }),
});

const JumpMiniProgramActionInput = builder.inputType('JumpMiniProgramActionInput', {
  fields: (t) => ({
    appId: t.string({ required: true }),
    path: t.string(),
    text: t.string({ description: "Kept for the gateway's own model; not sent to WeChat Pay, whose request has appid and path only (seed 002)." }),
    actionId: t.string(),
  }),
});

const ClickActionInput = builder.inputType('ClickActionInput', {
  isOneOf: true,
  fields: (t) => ({
    sendMessage: t.field({ type: SendMessageActionInput }),
    jumpUrl: t.field({ type: JumpUrlActionInput }),
    jumpMiniProgram: t.field({ type: JumpMiniProgramActionInput }),
  }),
});

const InvalidInfoInput = builder.inputType('InvalidInfoInput', {
  fields: (t) => ({
    expiresAt: t.field({ type: 'DateTime' }),
    multiClickable: t.boolean(),
  }),
});

const TextBlockInput = builder.inputType('TextBlockInput', {
  fields: (t) => ({
    text: t.string({ required: true }),
    color: t.field({ type: TextColorEnum }),
    bold: t.boolean(),
  }),
});

const ImageBlockInput = builder.inputType('ImageBlockInput', {
  fields: (t) => ({
    mediaId: t.string({ required: true, description: 'From uploadImage.' }),
    style: t.field({ type: ImageStyleEnum }),
  }),
});

const LinkBlockInput = builder.inputType('LinkBlockInput', {
  fields: (t) => ({
    text: t.string({ required: true }),
    action: t.field({ type: ClickActionInput, required: true }),
    invalidInfo: t.field({ type: InvalidInfoInput }),
  }),
});

const FaqInput = builder.inputType('FaqInput', {
  fields: (t) => ({
    faqId: t.string({ required: true }),
    title: t.string({ required: true }),
    action: t.field({ type: ClickActionInput, required: true }),
  }),
});

const FaqListBlockInput = builder.inputType('FaqListBlockInput', {
  fields: (t) => ({ faqs: t.field({ type: [FaqInput], required: true }) }),
});

const ButtonBlockInput = builder.inputType('ButtonBlockInput', {
  fields: (t) => ({
    text: t.string({ required: true }),
    action: t.field({ type: ClickActionInput, required: true }),
    invalidInfo: t.field({ type: InvalidInfoInput }),
  }),
});

const MessageButtonInput = builder.inputType('MessageButtonInput', {
  fields: (t) => ({
    text: t.string({ required: true }),
    action: t.field({ type: ClickActionInput, required: true }),
  }),
});

const ButtonGroupBlockInput = builder.inputType('ButtonGroupBlockInput', {
  fields: (t) => ({
    buttons: t.field({ type: [MessageButtonInput], required: true }),
    layout: t.field({ type: ButtonLayoutEnum }),
    invalidInfo: t.field({ type: InvalidInfoInput }),
  }),
});

const MessageBlockInput = builder.inputType('MessageBlockInput', {
  isOneOf: true,
  fields: (t) => ({
    text: t.field({ type: TextBlockInput }),
    image: t.field({ type: ImageBlockInput }),
    link: t.field({ type: LinkBlockInput }),
    faqList: t.field({ type: FaqListBlockInput }),
    button: t.field({ type: ButtonBlockInput }),
    buttonGroup: t.field({ type: ButtonGroupBlockInput }),
  }),
});

export const NormalMessageInput = builder.inputType('NormalMessageInput', {
  fields: (t) => ({
    blocks: t.field({ type: [MessageBlockInput], required: true }),
    senderIdentity: t.field({ type: SenderIdentityEnum }),
    customData: t.string(),
  }),
});

type ClickActionValue = typeof ClickActionInput.$inferInput;
type InvalidInfoValue = typeof InvalidInfoInput.$inferInput;
type MessageBlockValue = typeof MessageBlockInput.$inferInput;
export type NormalMessageValue = typeof NormalMessageInput.$inferInput;

function toClickAction(input: ClickActionValue): ClickAction {
  if (input.sendMessage) {
    const { content, customData, actionId } = input.sendMessage;
    return { kind: 'SEND_MESSAGE', content, customData: customData ?? null, actionId: actionId ?? null };
  }
  if (input.jumpUrl) return { kind: 'JUMP_URL', url: input.jumpUrl.url, actionId: input.jumpUrl.actionId ?? null };
  if (input.jumpMiniProgram) {
    const { appId, path, text, actionId } = input.jumpMiniProgram;
    return { kind: 'JUMP_MINI_PROGRAM', appId, path: path ?? null, text: text ?? null, actionId: actionId ?? null };
  }
  // graphql-js enforces @oneOf; this guards callers that bypass validation.
  throw new ValidationError('a click action needs exactly one kind', 'action');
}

function toInvalidInfo(input: InvalidInfoValue | null | undefined): InvalidInfo | null {
  if (input == null) return null;
  return { expiresAt: input.expiresAt ?? null, multiClickable: input.multiClickable ?? null };
}

function toBlock(input: MessageBlockValue): MessageBlock {
  if (input.text) return { kind: 'TEXT', text: input.text.text, color: input.text.color ?? null, bold: input.text.bold ?? false };
  if (input.image) return { kind: 'IMAGE', mediaId: input.image.mediaId, style: input.image.style ?? null };
  if (input.link) {
    return { kind: 'LINK', text: input.link.text, action: toClickAction(input.link.action), invalidInfo: toInvalidInfo(input.link.invalidInfo) };
  }
  if (input.faqList) {
    return {
      kind: 'FAQ_LIST',
      faqs: input.faqList.faqs.map((faq) => ({ faqId: faq.faqId, title: faq.title, action: toClickAction(faq.action) })),
    };
  }
  if (input.button) {
    return { kind: 'BUTTON', text: input.button.text, action: toClickAction(input.button.action), invalidInfo: toInvalidInfo(input.button.invalidInfo) };
  }
  if (input.buttonGroup) {
    return {
      kind: 'BUTTON_GROUP',
      buttons: input.buttonGroup.buttons.map((button) => ({ text: button.text, action: toClickAction(button.action) })),
      layout: input.buttonGroup.layout ?? null,
      invalidInfo: toInvalidInfo(input.buttonGroup.invalidInfo),
    };
  }
  throw new ValidationError('a message block needs exactly one kind', 'message.blocks');
}

export function toNormalMessage(input: NormalMessageValue): NormalMessage {
  if (input.blocks.length === 0) throw new ValidationError('a message needs at least one block', 'input.message.blocks');
  const identity = input.senderIdentity ?? null;
  return {
    blocks: input.blocks.map(toBlock),
    senderIdentity: identity === null ? null : { value: identity, raw: identity },
    customData: input.customData ?? null,
  };
}
