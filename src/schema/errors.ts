import {
  ConfigurationError,
  ForbiddenError,
  type GatewayError,
  NotFoundError,
  OutcomeUnknownError,
  ProviderError,
  RateLimitedError,
  UnsupportedError,
  ValidationError,
} from '../domain/errors.js';
import { builder } from './builder.js';
import { ProviderEnum } from './merchant.js';

const ErrorInterface = builder.interfaceRef<GatewayError>('Error').implement({
  description: 'A failure the caller can act on; `code` is stable, `message` is for humans.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    field: t.exposeString('field', { nullable: true, description: 'The bad input, e.g. `input.text`.' }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: () => ({}),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
  fields: () => ({}),
});

builder.objectType(UnsupportedError, {
  name: 'UnsupportedError',
  description: "The merchant's provider does not offer this operation.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof UnsupportedError,
  fields: (t) => ({
    capability: t.exposeString('capability'),
    provider: t.expose('provider', { type: ProviderEnum }),
  }),
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RateLimitedError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds'),
  }),
});

builder.objectType(ProviderError, {
  name: 'ProviderError',
  description: 'The provider refused or failed the request.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ProviderError,
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    providerCode: t.exposeString('providerCode', { nullable: true }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true }),
    retryable: t.exposeBoolean('retryable'),
  }),
});

builder.objectType(OutcomeUnknownError, {
  name: 'OutcomeUnknownError',
  description:
    'The change was sent but its answer was lost or could not be trusted: it may have been applied. Never repeat it blindly; ' +
    'repeat it with the same idempotencyKey, which checks whether it landed before sending again.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof OutcomeUnknownError,
  fields: (t) => ({
    retryable: t.exposeBoolean('retryable', { description: 'Always false: see the type description.' }),
  }),
});

builder.objectType(ConfigurationError, {
  name: 'ConfigurationError',
  description: 'The gateway is misconfigured for this merchant.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConfigurationError,
  fields: () => ({}),
});

/** The error members of every mutation result union: our domain classes only. */
export const MUTATION_ERRORS = [
  ValidationError,
  NotFoundError,
  ForbiddenError,
  UnsupportedError,
  RateLimitedError,
  ProviderError,
  OutcomeUnknownError,
  ConfigurationError,
];
