import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { changeComplaint, complaintSuccessType, IDEMPOTENCY_KEY_DESCRIPTION, type ComplaintChanged } from './complaint-change.js';

const CompleteComplaintInput = builder.inputType('CompleteComplaintInput', {
  fields: (t) => ({
    complaintId: t.id({ required: true }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
});

const CompleteComplaintSuccess = complaintSuccessType('CompleteComplaintSuccess', 'The complaint is marked as handled.');

builder.mutationField('completeComplaint', (t) =>
  t.field({
    type: CompleteComplaintSuccess,
    args: { input: t.arg({ type: CompleteComplaintInput, required: true }) },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'CompleteComplaintResult' } },
    resolve: async (_root, { input }, context): Promise<ComplaintChanged> => {
      const { key } = await changeComplaint(context, {
        name: 'complete',
        complaintId: input.complaintId,
        capability: 'COMPLETE',
        idempotencyKey: input.idempotencyKey ?? null,
        input: null,
        send: (provider, complaint) => provider.complete(complaint.complaintId),
        // Completed is a state the provider shows (and completing twice is success anyway).
        landed: async (provider, complaint) => ((await provider.getComplaint(complaint.complaintId)).state.value === 'PROCESSED' ? undefined : null),
      });
      return { key };
    },
  }),
);
