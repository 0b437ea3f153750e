import { GraphQLError } from 'graphql';
import { GatewayError, OutcomeUnknownError, ProviderError, RateLimitedError, UnsupportedError, ValidationError, type ProviderName } from '../domain/errors.js';

/** The safe, stable fields of a domain error, as GraphQL `extensions` (never the cause). */
export function errorExtensions(error: GatewayError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error instanceof ProviderError) {
    Object.assign(extensions, {
      provider: error.provider,
      providerCode: error.providerCode,
      httpStatus: error.httpStatus,
      retryable: error.retryable,
    });
  }
  if (error instanceof UnsupportedError) Object.assign(extensions, { provider: error.provider, capability: error.capability });
  if (error instanceof RateLimitedError) extensions['retryAfterSeconds'] = error.retryAfterSeconds;
  if (error instanceof ValidationError) extensions['field'] = error.field;
  if (error instanceof OutcomeUnknownError) extensions['retryable'] = false;
  return extensions;
}

/**
 * One failed source of a query that still returned the others' data: an `errors` entry naming the
 * provider and merchant. Unexpected errors keep only their kind: their messages are not vetted.
 */
export function sourceFailureError(error: unknown, source: { provider: ProviderName; merchantNo: string }, path: readonly (string | number)[]): GraphQLError {
  const known = error instanceof GatewayError;
  return new GraphQLError(known ? error.message : `${source.provider} merchant ${source.merchantNo} failed`, {
    path,
    extensions: {
      ...(known ? errorExtensions(error) : { code: 'INTERNAL_SERVER_ERROR' }),
      provider: source.provider,
      merchantNo: source.merchantNo,
    },
  });
}
