import { ValidationError } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { NormalMessageInput, toNormalMessage } from '../message.js';
import { changeComplaint, complaintSuccessType, historyHasEntry, IDEMPOTENCY_KEY_DESCRIPTION, type ComplaintChanged } from './complaint-change.js';

const ReplyJumpUrlInput = builder.inputType('ReplyJumpUrlInput', {
  fields: (t) => ({
    url: t.string({ required: true }),
    text: t.string({ required: true }),
  }),
});

const ReplyMiniProgramInput = builder.inputType('ReplyMiniProgramInput', {
  fields: (t) => ({
    appId: t.string({ required: true }),
    path: t.string({ required: true }),
    text: t.string({ required: true }),
  }),
});

const ReplyToComplaintInput = builder.inputType('ReplyToComplaintInput', {
  fields: (t) => ({
    complaintId: t.id({ required: true }),
    text: t.string({ required: true }),
    imageMediaIds: t.stringList({ description: 'Media ids from uploadImage.' }),
    jumpUrl: t.field({ type: ReplyJumpUrlInput }),
    miniProgram: t.field({ type: ReplyMiniProgramInput }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
});

const ReplyToComplaintSuccess = complaintSuccessType('ReplyToComplaintSuccess', 'The reply was sent.');

builder.mutationField('replyToComplaint', (t) =>
  t.field({
    type: ReplyToComplaintSuccess,
    args: { input: t.arg({ type: ReplyToComplaintInput, required: true }) },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'ReplyToComplaintResult' } },
    resolve: async (_root, { input }, context): Promise<ComplaintChanged> => {
      const text = input.text.trim();
      const reply = { text, imageMediaIds: input.imageMediaIds ?? [], jumpUrl: input.jumpUrl ?? null, miniProgram: input.miniProgram ?? null };
      const { key } = await changeComplaint(context, {
        name: 'reply',
        complaintId: input.complaintId,
        capability: 'REPLY',
        idempotencyKey: input.idempotencyKey ?? null,
        input: reply,
        send: async (provider, complaint) => {
          if (text.length === 0) throw new ValidationError('text must not be empty', 'input.text');
          if (text.length > provider.limits.maxReplyLength) {
            throw new ValidationError(`text may have at most ${provider.limits.maxReplyLength} characters`, 'input.text');
          }
          if (reply.imageMediaIds.length > provider.limits.maxReplyImages) {
            throw new ValidationError(`at most ${provider.limits.maxReplyImages} images`, 'input.imageMediaIds');
          }
          await provider.reply(complaint.complaintId, reply);
        },
        // The reply landed when the history shows the merchant's message with this text.
        landed: async (provider, complaint, sentAt) =>
          (await historyHasEntry(provider, complaint, sentAt, (entry) => entry.operateType.raw === 'MERCHANT_RESPONSE' && entry.details === text))
            ? undefined
            : null,
      });
      return { key };
    },
  }),
);

const ReplyImmediatelyInput = builder.inputType('ReplyImmediatelyInput', {
  fields: (t) => ({
    complaintId: t.id({ required: true }),
    message: t.field({ type: NormalMessageInput, required: true }),
    idempotencyKey: t.string({ required: true, description: `${IDEMPOTENCY_KEY_DESCRIPTION} Also sent to WeChat Pay, which deduplicates on it.` }),
  }),
});

interface ImmediateReplied extends ComplaintChanged {
  logId: string;
}

const ReplyImmediatelySuccess = complaintSuccessType<ImmediateReplied>(
  'ReplyImmediatelySuccess',
  'The message was sent to a complaint that needs immediate service.',
);
builder.objectField(ReplyImmediatelySuccess, 'logId', (t) => t.exposeString('logId', { description: 'The negotiation history entry of this message.' }));

builder.mutationField('replyImmediately', (t) =>
  t.field({
    type: ReplyImmediatelySuccess,
    args: { input: t.arg({ type: ReplyImmediatelyInput, required: true }) },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'ReplyImmediatelyResult' } },
    resolve: async (_root, { input }, context): Promise<ImmediateReplied> => {
      const idempotencyKey = input.idempotencyKey.trim();
      const message = toNormalMessage(input.message);
      // No `landed` check: WeChat deduplicates on idempotent_id, so sending again is safe.
      const { key, result } = await changeComplaint(context, {
        name: 'replyImmediately',
        complaintId: input.complaintId,
        capability: 'IMMEDIATE_REPLY',
        idempotencyKey,
        input: message,
        send: (provider, complaint) => provider.replyImmediately(complaint.complaintId, { message, idempotencyKey }),
      });
      return { key, logId: result.logId };
    },
  }),
);
