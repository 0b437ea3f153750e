import type { MerchantKey } from '../../domain/complaint-key.js';
import { ValidationError } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';
import { decodeMerchantId } from '../global-id.js';
import { MerchantRef } from '../merchant.js';
import { providerFor } from './complaint-change.js';

interface Uploaded {
  merchant: MerchantKey;
  mediaId: string;
}

const UploadImageSuccess = builder.objectRef<Uploaded>('UploadImageSuccess').implement({
  description: 'The image is stored at the provider; use `mediaId` in replies.',
  fields: (t) => ({
    mediaId: t.exposeString('mediaId'),
    merchant: t.field({ type: MerchantRef, resolve: (uploaded, _args, context) => context.registry.get(uploaded.merchant).merchant }),
  }),
});

builder.mutationField('uploadImage', (t) =>
  t.field({
    type: UploadImageSuccess,
    description: 'Send as a GraphQL multipart request (`file` is the upload).',
    args: {
      merchantId: t.arg.id({ required: true }),
      file: t.arg({ type: 'File', required: true }),
    },
    authScopes: { 'complaints:write': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'UploadImageResult' } },
    resolve: async (_root, { merchantId, file }, context): Promise<Uploaded> => {
      const merchant = decodeMerchantId(merchantId, 'merchantId');
      const provider = providerFor(context, merchant, 'IMAGE_UPLOAD');
      // Refuse before buffering: the size is known from the multipart part.
      if (file.size > provider.limits.maxImageBytes) {
        throw new ValidationError(`file may have at most ${provider.limits.maxImageBytes} bytes`, 'file');
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { mediaId } = await provider.uploadImage({ filename: file.name, bytes });
      return { merchant, mediaId };
    },
  }),
);
