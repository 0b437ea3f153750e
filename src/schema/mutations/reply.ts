import { ValidationError } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { NormalMessageInput, toNormalMessage } from '../message.js';
import { changeComplaint, complaintSuccessType, type ComplaintChanged } from './complaint-change.js';
import { ComplaintRef } from '../complaint.js';

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
      const { key } = await changeComplaint(context, input.complaintId, 'REPLY', async (provider, complaint) => {
        const text = input.text.trim();
        if (text.length === 0) throw new ValidationError('text must not be empty', 'input.text');
        if (text.length > provider.limits.maxReplyLength) {
          throw new ValidationError(`text may have at most ${provider.limits.maxReplyLength} characters`, 'input.text');
        }
        const imageMediaIds = input.imageMediaIds ?? [];
        if (imageMediaIds.length > provider.limits.maxReplyImages) {
          throw new ValidationError(`at most ${provider.limits.maxReplyImages} images`, 'input.imageMediaIds');
        }
        await provider.reply(complaint.complaintId, {
          text,
          imageMediaIds,
          jumpUrl: input.jumpUrl ?? null,
          miniProgram: input.miniProgram ?? null,
        });
      });
      return { key };
    },
  }),
);

const ReplyImmediatelyInput = builder.inputType('ReplyImmediatelyInput', {
  fields: (t) => ({
    complaintId: t.id({ required: true }),
    message: t.field({ type: NormalMessageInput, required: true }),
    idempotencyKey: t.string({ required: true, description: 'A repeat with the same key returns the first call\'s log id.' }),
  }),
});

interface ImmediateReplied extends ComplaintChanged {
  logId: string;
}

const ReplyImmediatelySuccess = builder.objectRef<ImmediateReplied>('ReplyImmediatelySuccess').implement({
  description: 'The message was sent to a complaint that needs immediate service.',
  fields: (t) => ({
    logId: t.exposeString('logId', { description: 'The negotiation history entry of this message.' }),
    complaint: t.field({ type: ComplaintRef, resolve: (replied, _args, context) => context.loaders.complaint.load(replied.key) }),
  }),
});

builder.mutationField('replyImmediately', (t) =>
  t.field({
    type: ReplyImmediatelySuccess,
    args: { input: t.arg({ type: ReplyImmediatelyInput, required: true }) },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'ReplyImmediatelyResult' } },
    resolve: async (_root, { input }, context): Promise<ImmediateReplied> => {
      const idempotencyKey = input.idempotencyKey.trim();
      if (idempotencyKey.length === 0 || idempotencyKey.length > 128) {
        throw new ValidationError('idempotencyKey must have 1 to 128 characters', 'input.idempotencyKey');
      }
      const message = toNormalMessage(input.message);
      const { key, result } = await changeComplaint(context, input.complaintId, 'IMMEDIATE_REPLY', (provider, complaint) =>
        provider.replyImmediately(complaint.complaintId, { message, idempotencyKey }),
      );
      return { key, logId: result.logId };
    },
  }),
);
