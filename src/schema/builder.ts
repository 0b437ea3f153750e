import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import type { LocalDate } from '../domain/local-date.js';
import type { Context } from './context.js';
import { decodeGlobalId, encodeGlobalId } from './global-id.js';

/**
 * The schema's type parameters. Authorization scopes (scope-auth plugin) join here as `AuthScopes`
 * when the auth issue lands; nothing else needs to move for it.
 */
export interface GatewaySchemaTypes {
  Context: Context;
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

export const builder = new SchemaBuilder<GatewaySchemaTypes>({
  plugins: [ErrorsPlugin, RelayPlugin, DataloaderPlugin],
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
});
