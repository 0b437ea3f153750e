import { invalidateNotificationUrls } from '../../cache/invalidation.js';
import type { MerchantKey } from '../../domain/complaint-key.js';
import { ForbiddenError, ValidationError } from '../../domain/errors.js';
import { sameAccount } from '../../domain/merchant.js';
import type { ComplaintProvider } from '../../providers/provider.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { MUTATION_ERRORS } from '../errors.js';
import { decodeMerchantId } from '../global-id.js';
import { MerchantRef } from '../merchant.js';
import { providerFor } from './complaint-change.js';

interface UrlChanged {
  merchant: MerchantKey;
  url: string | null;
}

const SetNotificationUrlInput = builder.inputType('SetNotificationUrlInput', {
  fields: (t) => ({
    merchantId: t.id({ required: true }),
    url: t.string({ required: true, description: 'An https URL that receives the provider\'s notifications.' }),
  }),
});

const DeleteNotificationUrlInput = builder.inputType('DeleteNotificationUrlInput', {
  fields: (t) => ({ merchantId: t.id({ required: true }) }),
});

function successType(name: string, description: string) {
  return builder.objectRef<UrlChanged>(name).implement({
    description,
    fields: (t) => ({
      url: t.exposeString('url', { nullable: true }),
      merchant: t.field({ type: MerchantRef, resolve: (changed, _args, context) => context.registry.get(changed.merchant).merchant }),
    }),
  });
}

function checkUrl(url: string): string {
  try {
    new URL(url);
  } catch {
    throw new ValidationError('url is not an absolute URL', 'input.url');
  }
  return url;
}

/** Calls the provider, then evicts the cached URL here and in the shared store. */
async function changeUrl(
  context: Context,
  merchantId: string,
  change: (provider: ComplaintProvider) => Promise<string | null>,
): Promise<UrlChanged> {
  const merchant = decodeMerchantId(merchantId, 'input.merchantId');
  const provider = providerFor(context, merchant, 'NOTIFICATION_URL');
  if (!context.mayAdministerAccount(provider.merchant)) {
    throw new ForbiddenError(
      `the notification URL of ${provider.merchant.provider} account ${provider.merchant.accountNo} is shared by merchants this token was not granted`,
    );
  }
  // Every merchant of the account shares the URL: none may keep showing the old one.
  const sharing = context.registry.merchants.filter((other) => sameAccount(other, provider.merchant));
  const forget = async (): Promise<void> => {
    for (const other of sharing) context.loaders.notificationUrl.clear(other);
    await invalidateNotificationUrls(context.cache, sharing);
  };
  let url: string | null;
  try {
    url = await change(provider);
  } catch (error) {
    await forget().catch((evictionError: unknown) =>
      context.logger.error({ err: evictionError, merchant }, 'cache eviction after a failed mutation failed'),
    );
    throw error;
  }
  await forget();
  return { merchant, url };
}

const CreateNotificationUrlSuccess = successType('CreateNotificationUrlSuccess', 'The notification URL is registered.');
const UpdateNotificationUrlSuccess = successType('UpdateNotificationUrlSuccess', 'The notification URL is changed.');
const DeleteNotificationUrlSuccess = successType('DeleteNotificationUrlSuccess', 'The notification URL is removed (`url` is null).');

builder.mutationField('createNotificationUrl', (t) =>
  t.field({
    type: CreateNotificationUrlSuccess,
    args: { input: t.arg({ type: SetNotificationUrlInput, required: true }) },
    authScopes: { 'notifications:admin': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'CreateNotificationUrlResult' } },
    resolve: (_root, { input }, context) =>
      changeUrl(context, input.merchantId, (provider) => provider.createNotificationUrl(checkUrl(input.url))),
  }),
);

builder.mutationField('updateNotificationUrl', (t) =>
  t.field({
    type: UpdateNotificationUrlSuccess,
    args: { input: t.arg({ type: SetNotificationUrlInput, required: true }) },
    authScopes: { 'notifications:admin': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'UpdateNotificationUrlResult' } },
    resolve: (_root, { input }, context) =>
      changeUrl(context, input.merchantId, (provider) => provider.updateNotificationUrl(checkUrl(input.url))),
  }),
);

builder.mutationField('deleteNotificationUrl', (t) =>
  t.field({
    type: DeleteNotificationUrlSuccess,
    args: { input: t.arg({ type: DeleteNotificationUrlInput, required: true }) },
    authScopes: { 'notifications:admin': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'DeleteNotificationUrlResult' } },
    resolve: (_root, { input }, context) =>
      changeUrl(context, input.merchantId, async (provider) => {
        await provider.deleteNotificationUrl();
        return null;
      }),
  }),
);
