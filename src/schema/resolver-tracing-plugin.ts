import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { inSpan } from '../observability/trace-context.js';
import { UPSTREAM_FIELDS } from './upstream-fields.js';

/**
 * A span per resolution of each field that may call a provider, and of each mutation, named by its
 * schema coordinate (`Query.complaints`): the provider calls it makes nest under it. Wrapped when
 * the schema is built (the Pothos way, as @pothos/plugin-tracing does), so the one shared schema
 * serves every app; whether a request is traced is decided per request (trace-context.ts), and an
 * untraced one pays one AsyncLocalStorage read per such field. Arguments are never recorded.
 */
export class ResolverTracingPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const coordinate = `${fieldConfig.parentType}.${fieldConfig.name}`;
    if (fieldConfig.kind !== 'Mutation' && !UPSTREAM_FIELDS.has(coordinate)) return resolver;
    const attributes = { 'graphql.field.coordinate': coordinate };
    return (parent, args, context, info) => inSpan(coordinate, attributes, () => resolver(parent, args, context, info));
  }
}

export const RESOLVER_TRACING_PLUGIN = 'resolverTracing';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      resolverTracing: ResolverTracingPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(RESOLVER_TRACING_PLUGIN, ResolverTracingPlugin);
