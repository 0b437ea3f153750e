import { invalidateNotificationUrls } from '../../cache/invalidation.js';
import type { MerchantKey } from '../../domain/complaint-key.js';
import { ForbiddenError, ValidationError } from '../../domain/errors.js';
import { sameAccount, type Merchant } from '../../domain/merchant.js';
import { publicBaseUrlProblem, webhookUrl } from '../../domain/webhook-url.js';
import type { ComplaintProvider } from '../../providers/provider.js';
import { builder } from '../builder.js';
import { ACCOUNT_SETTING_REFUSED } from '../merchant.js';
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
    url: t.string({
      required: false,
      description:
        "This gateway's own webhook URL for the merchant's provider account, the only URL accepted (so no token can send an account's notifications elsewhere). Omit it: the gateway registers that URL.",
    }),
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

/**
 * The merchant's provider, once the caller may change its account's notification URL. The refusal
 * names neither the account (a service provider's mchid) nor its other merchants.
 */
function administeredProvider(context: Context, merchantId: string): { merchant: MerchantKey; provider: ComplaintProvider } {
  const merchant = decodeMerchantId(merchantId, 'input.merchantId');
  const provider = providerFor(context, merchant, 'NOTIFICATION_URL');
  if (!context.mayAdministerAccount(provider.merchant)) {
    throw new ForbiddenError(ACCOUNT_SETTING_REFUSED);
  }
  return { merchant, provider };
}

/**
 * The one URL these mutations register: this gateway's webhook for the merchant's provider account,
 * so that no token can point an account's notifications at another server. Checked before any
 * upstream call; messages do not spell the URL (it names the account).
 */
function ownWebhookUrl(context: Context, merchant: Merchant, given: string | null | undefined): string {
  const { publicBaseUrl, routeOf } = context.webhooks;
  if (publicBaseUrl === null) {
    throw new ValidationError(
      'this gateway has no public base URL, so it cannot name its own webhook: the operator must set server.publicBaseUrl (env PUBLIC_BASE_URL)',
      'input.url',
    );
  }
  const problem = publicBaseUrlProblem(publicBaseUrl);
  if (problem !== null) {
    throw new ValidationError(`this gateway's public base URL ${problem}: the operator must fix server.publicBaseUrl (env PUBLIC_BASE_URL)`, 'input.url');
  }
  const route = routeOf(merchant);
  if (route === undefined) throw new ValidationError("no webhook of this gateway receives this merchant's notifications", 'input.url');
  const own = webhookUrl(publicBaseUrl, route);
  if (given === null || given === undefined) return own;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ValidationError('url is not an absolute URL', 'input.url');
  }
  if (url.href !== own) {
    throw new ValidationError("url must be this gateway's own webhook URL for the merchant's provider account; omit url to register it", 'input.url');
  }
  return own;
}

/** Calls the provider, then evicts the cached URL here and in the shared store. */
async function changeUrl(
  context: Context,
  { merchant, provider }: { merchant: MerchantKey; provider: ComplaintProvider },
  change: (provider: ComplaintProvider) => Promise<string | null>,
): Promise<UrlChanged> {
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
    await forget().catch((evictionError: unknown) => context.logger.error({ err: evictionError, merchant }, 'cache eviction after a failed mutation failed'));
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
    resolve: async (_root, { input }, context) => {
      const target = administeredProvider(context, input.merchantId);
      const url = ownWebhookUrl(context, target.provider.merchant, input.url);
      return changeUrl(context, target, (provider) => provider.createNotificationUrl(url));
    },
  }),
);

builder.mutationField('updateNotificationUrl', (t) =>
  t.field({
    type: UpdateNotificationUrlSuccess,
    args: { input: t.arg({ type: SetNotificationUrlInput, required: true }) },
    authScopes: { 'notifications:admin': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'UpdateNotificationUrlResult' } },
    resolve: async (_root, { input }, context) => {
      const target = administeredProvider(context, input.merchantId);
      const url = ownWebhookUrl(context, target.provider.merchant, input.url);
      return changeUrl(context, target, (provider) => provider.updateNotificationUrl(url));
    },
  }),
);

builder.mutationField('deleteNotificationUrl', (t) =>
  t.field({
    type: DeleteNotificationUrlSuccess,
    args: { input: t.arg({ type: DeleteNotificationUrlInput, required: true }) },
    authScopes: { 'notifications:admin': true },
    errors: { types: MUTATION_ERRORS, directResult: true, union: { name: 'DeleteNotificationUrlResult' } },
    resolve: async (_root, { input }, context) =>
      changeUrl(context, administeredProvider(context, input.merchantId), async (provider) => {
        await provider.deleteNotificationUrl();
        return null;
      }),
  }),
);
