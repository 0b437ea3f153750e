import { ValidationError } from '../../domain/errors.js';
import type { RefundProgressInput } from '../../providers/provider.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { changeComplaint, complaintSuccessType, historyHasEntry, IDEMPOTENCY_KEY_DESCRIPTION, type ComplaintChanged } from './complaint-change.js';

const ApproveRefundInput = builder.inputType('ApproveRefundInput', {
  fields: (t) => ({
    launchRefundDay: t.int({
      description: 'Working days until the refund is started (0: at once); omitted: the provider decides (WeChat Pay makes it optional).',
    }),
    remark: t.string(),
  }),
});

const RejectRefundInput = builder.inputType('RejectRefundInput', {
  fields: (t) => ({
    rejectReason: t.string({ required: true }),
    rejectMediaIds: t.stringList({ description: 'Media ids from uploadImage.' }),
    remark: t.string(),
  }),
});

const RefundDecisionInput = builder.inputType('RefundDecisionInput', {
  isOneOf: true,
  fields: (t) => ({
    approve: t.field({ type: ApproveRefundInput }),
    reject: t.field({ type: RejectRefundInput }),
  }),
});

const UpdateRefundProgressInput = builder.inputType('UpdateRefundProgressInput', {
  fields: (t) => ({
    complaintId: t.id({ required: true }),
    decision: t.field({ type: RefundDecisionInput, required: true }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
});

const UpdateRefundProgressSuccess = complaintSuccessType('UpdateRefundProgressSuccess', 'The refund decision was recorded.');

function toRefundProgress(decision: typeof RefundDecisionInput.$inferInput): RefundProgressInput {
  if (decision.approve) {
    const { launchRefundDay = null, remark } = decision.approve;
    // No upper bound: WeChat Pay documents none (spec 3.6).
    if (launchRefundDay !== null && (!Number.isInteger(launchRefundDay) || launchRefundDay < 0)) {
      throw new ValidationError('launchRefundDay must be 0 or more working days', 'input.decision.approve.launchRefundDay');
    }
    return { action: 'APPROVE', launchRefundDay, remark: remark ?? null };
  }
  if (decision.reject) {
    const { rejectReason, rejectMediaIds, remark } = decision.reject;
    if (rejectReason.trim().length === 0) throw new ValidationError('rejectReason must not be empty', 'input.decision.reject.rejectReason');
    return { action: 'REJECT', rejectReason, rejectMediaIds: rejectMediaIds ?? [], remark: remark ?? null };
  }
  throw new ValidationError('decision needs approve or reject', 'input.decision');
}

builder.mutationField('updateRefundProgress', (t) =>
  t.field({
    type: UpdateRefundProgressSuccess,
    args: { input: t.arg({ type: UpdateRefundProgressInput, required: true }) },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'UpdateRefundProgressResult' } },
    resolve: async (_root, { input }, context): Promise<ComplaintChanged> => {
      const progress = toRefundProgress(input.decision);
      const decided = progress.action === 'APPROVE' ? 'MERCHANT_APPROVE_REFUND' : 'MERCHANT_REFUSE_RERUND';
      const { key } = await changeComplaint(context, {
        name: 'updateRefundProgress',
        complaintId: input.complaintId,
        capability: 'REFUND_PROGRESS',
        idempotencyKey: input.idempotencyKey ?? null,
        input: progress,
        send: (provider, complaint) => provider.updateRefundProgress(complaint.complaintId, progress),
        // The decision landed when the history shows it (WeChat's spelling, "RERUND" included).
        landed: async (provider, complaint, sentAt) =>
          (await historyHasEntry(provider, complaint, sentAt, (entry) => entry.operateType.raw === decided)) ? undefined : null,
      });
      return { key };
    },
  }),
);
