import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { changeComplaint, complaintSuccessType, type ComplaintChanged } from './complaint-change.js';

const CompleteComplaintInput = builder.inputType('CompleteComplaintInput', {
  fields: (t) => ({ complaintId: t.id({ required: true }) }),
});

const CompleteComplaintSuccess = complaintSuccessType('CompleteComplaintSuccess', 'The complaint is marked as handled.');

builder.mutationField('completeComplaint', (t) =>
  t.field({
    type: CompleteComplaintSuccess,
    args: { input: t.arg({ type: CompleteComplaintInput, required: true }) },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'CompleteComplaintResult' } },
    resolve: async (_root, { input }, context): Promise<ComplaintChanged> => {
      const { key } = await changeComplaint(context, input.complaintId, 'COMPLETE', (provider, complaint) =>
        provider.complete(complaint.complaintId),
      );
      return { key };
    },
  }),
);
