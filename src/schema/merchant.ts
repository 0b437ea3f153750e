import { CAPABILITIES } from '../domain/capability.js';
import { PROVIDERS, merchantKeyToString, parseMerchantKey } from '../domain/complaint-key.js';
import { ForbiddenError } from '../domain/errors.js';
import type { Merchant } from '../domain/merchant.js';
import { builder } from './builder.js';

export const ProviderEnum = builder.enumType('Provider', { values: PROVIDERS });

const CapabilityEnum = builder.enumType('Capability', {
  description: "What a merchant's provider account supports.",
  values: CAPABILITIES,
});

export const MerchantRef = builder.objectRef<Merchant>('Merchant');

/** Why a per-account setting is refused to a token granted only some merchants of the account; names none of them. */
export const ACCOUNT_SETTING_REFUSED =
  "this merchant's notification URL is shared by other merchants of its provider account, and this token was not granted all of them";

builder.node(MerchantRef, {
  description: 'A merchant this gateway serves, at one provider.',
  authScopes: { 'complaints:read': true },
  id: { resolve: (merchant) => merchantKeyToString(merchant) },
  loadOne: (id, context) => context.registry.find(parseMerchantKey(id))?.merchant ?? null,
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'capabilities' in value && 'merchantNo' in value,
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    merchantNo: t.exposeString('merchantNo'),
    name: t.exposeString('name'),
    capabilities: t.expose('capabilities', { type: [CapabilityEnum] }),
    notificationUrl: t.string({
      nullable: true,
      description:
        'Where the provider pushes complaint notifications; null when none is set or the provider cannot tell. Needs the notifications:admin scope, ' +
        "and a grant on every merchant of the provider account (the URL is the account's and names it).",
      authScopes: { 'notifications:admin': true },
      resolve: (merchant, _args, context) => {
        if (!context.mayAdministerAccount(merchant)) throw new ForbiddenError(ACCOUNT_SETTING_REFUSED);
        return context.loaders.notificationUrl.load(merchant);
      },
    }),
  }),
});

builder.queryField('merchants', (t) =>
  t.field({
    type: [MerchantRef],
    description: 'Every merchant the caller was granted, in configuration order.',
    authScopes: { 'complaints:read': true },
    resolve: (_root, _args, context) => [...context.registry.merchants],
  }),
);
