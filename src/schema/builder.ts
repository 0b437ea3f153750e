import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import { hasScope, type Scope } from '../domain/access.js';
import { ForbiddenError } from '../domain/errors.js';
import type { LocalDate } from '../domain/local-date.js';
import type { Context } from './context.js';
import { decodeGlobalId, encodeGlobalId } from './global-id.js';
import { RESOLVER_TRACING_PLUGIN } from './resolver-tracing-plugin.js';

/** The schema's type parameters. */
export interface GatewaySchemaTypes {
  Context: Context;
  /** A field's `authScopes` name the token scopes it needs, spelled as tokens grant them. */
  AuthScopes: Record<Scope, boolean>;
  // Non-null unless a field says otherwise: fields that can fail on their own (a provider call) opt in.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    /** ISO 8601 with the provider's offset, passed through as the provider wrote it. */
    DateTime: { Input: string; Output: string };
    Date: { Input: LocalDate; Output: LocalDate };
    JSON: { Input: unknown; Output: unknown };
    /** yoga's GraphQL multipart upload. */
    File: { Input: File; Output: never };
  };
}

/** The scopes a failed check was missing, for a message the caller can act on. */
function missingScopes(failure: AuthFailure): string[] {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return [failure.scope];
    case AuthScopeFailureType.AllAuthScopes:
    case AuthScopeFailureType.AnyAuthScopes:
      return failure.failures.flatMap(missingScopes);
    default:
      return [];
  }
}

export const builder = new SchemaBuilder<GatewaySchemaTypes>({
  // Errors before scope-auth: a refused mutation becomes its result union's ForbiddenError. Tracing
  // last, innermost: its span sees what the resolver throws before the errors plugin turns it into a result.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, RESOLVER_TRACING_PLUGIN],
  defaultFieldNullability: false,
  relay: {
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    nodesQueryOptions: false,
  },
  errors: {
    // Only our domain classes become typed results; anything else stays a (masked) GraphQL error.
    defaultTypes: [],
  },
  scopeAuth: {
    authScopes: ({ principal }) => ({
      'complaints:read': hasScope(principal, 'complaints:read'),
      'complaints:write': hasScope(principal, 'complaints:write'),
      'pii:read': hasScope(principal, 'pii:read'),
      'notifications:admin': hasScope(principal, 'notifications:admin'),
    }),
    unauthorizedError: (_parent, _context, info, result) => {
      const missing = [...new Set(missingScopes(result.failure))];
      const needs = missing.length === 0 ? 'a scope this token lacks' : `the ${missing.join(' or ')} scope`;
      return new ForbiddenError(`${info.parentType.name}.${info.fieldName} needs ${needs}`);
    },
  },
});
