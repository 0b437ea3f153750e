import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { EVENTS_PAGE } from '../../schema/complaint-events.js';
import { COMPLAINTS_PAGE } from '../../schema/complaint.js';
import { UPSTREAM_FIELDS } from '../../schema/upstream-fields.js';

/** Fields whose children repeat once per item: the upstream fields below them cost that many times. */
const REPEATING_FIELDS: Readonly<Record<string, { defaultCount: number; maxCount: number; argument: string }>> = {
  'Query.complaints': { defaultCount: COMPLAINTS_PAGE.defaultSize, maxCount: COMPLAINTS_PAGE.maxSize, argument: 'first' },
  'Query.complaintEvents': { defaultCount: EVENTS_PAGE.defaultSize, maxCount: EVENTS_PAGE.maxSize, argument: 'first' },
  'Query.nodes': { defaultCount: 1, maxCount: 1000, argument: 'ids' },
};

type Variables = Readonly<Record<string, unknown>>;

function argumentValue(node: ValueNode, variables: Variables): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values;
  return undefined;
}

/**
 * How many times the children of `field` repeat: its page size (or id count), as the request asks.
 * A size outside the schema's range is refused by the resolver before any call: nothing repeats.
 */
function repeatCount(coordinate: string, field: FieldNode, variables: Variables, defaults: Readonly<Record<string, unknown>>): number {
  const repeating = REPEATING_FIELDS[coordinate];
  if (repeating === undefined) return 1;
  const argument = field.arguments?.find((arg) => arg.name.value === repeating.argument);
  // A variable the request leaves out takes its declared default, as execution will.
  let value = argument === undefined ? undefined : argumentValue(argument.value, variables);
  if (value === undefined && argument?.value.kind === Kind.VARIABLE) value = defaults[argument.value.name.value];
  const count = Array.isArray(value) ? value.length : typeof value === 'number' ? value : repeating.defaultCount;
  return Number.isInteger(count) && count >= 1 && count <= repeating.maxCount ? count : 0;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Variables;
  defaults: Readonly<Record<string, unknown>>;
}

/** Upstream calls of a selection set, fragments followed (each spread counts), aliases counted apart. */
function selectionCost(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLNamedType, times: number, spreading: ReadonlySet<string>): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      // Unknown fields are other rules' business.
      const definition = parent.getFields()[name];
      if (definition === undefined) continue;
      const coordinate = `${parent.name}.${name}`;
      const isMutation = parent === walk.schema.getMutationType();
      if (isMutation || UPSTREAM_FIELDS.has(coordinate)) cost += times;
      if (selection.selectionSet !== undefined) {
        const repeat = repeatCount(coordinate, selection, walk.variables, walk.defaults);
        cost += selectionCost(walk, selection.selectionSet, getNamedType(definition.type), times * repeat, spreading);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition === undefined ? parent : walk.schema.getType(selection.typeCondition.name.value);
      if (type !== undefined && type !== null) cost += selectionCost(walk, selection.selectionSet, type, times, spreading);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // A cycle is NoFragmentCyclesRule's error; here it just stops.
      if (fragment === undefined || spreading.has(name)) continue;
      const type = walk.schema.getType(fragment.typeCondition.name.value);
      if (type !== undefined && type !== null) cost += selectionCost(walk, fragment.selectionSet, type, times, new Set([...spreading, name]));
    }
  }
  return cost;
}

function variableDefaults(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue !== undefined) defaults[definition.variable.name.value] = argumentValue(definition.defaultValue, {});
  }
  return defaults;
}

/**
 * The upstream calls the operation that will run may cause: its upstream fields, each times the
 * page sizes it repeats in (`first`, as given by literal, variable or default). Without an
 * operationName, the costliest operation of the document counts.
 */
export function upstreamCost(schema: GraphQLSchema, document: DocumentNode, variables: Variables = {}, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const selected = operationName ? operations.filter((operation) => operation.name?.value === operationName) : operations;
  let highest = 0;
  for (const operation of selected) {
    const root =
      operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (root === undefined || root === null) continue;
    const walk: Walk = { schema, fragments, variables, defaults: variableDefaults(operation) };
    highest = Math.max(highest, selectionCost(walk, operation.selectionSet, root, 1, new Set()));
  }
  return highest;
}

/**
 * Refuses, as a validation error (400, GRAPHQL_VALIDATION_FAILED) before anything runs, an
 * operation that would make more than `maxUpstreamFields` provider calls: 100 aliased `complaint`
 * lookups would spend half a minute's list budget of an account at once. graphql-armor's cost limit
 * cannot weight particular fields, hence this count.
 *
 * The cost depends on the variables, while yoga caches validation results per document and rule
 * names: the rule is added only when the operation is over the cap, so a cached pass and a cached
 * refusal sit under different keys, and its message names the cap, never the request's own count.
 */
export function useUpstreamCost(maxUpstreamFields: number): Plugin {
  const message = `The operation would call the payment providers more than ${maxUpstreamFields} times (each complaint, node, negotiation history, payerOpenid, notification URL and mutation field counts once per alias and per item of the page it is in); split it into smaller operations`;
  const upstreamCostLimitRule = (context: ValidationContext) => ({
    Document: { leave: () => context.reportError(new GraphQLError(message)) },
  });
  return {
    onValidate({ context, params, addValidationRule }) {
      const request = (context as Partial<YogaInitialContext>).params;
      const variables = request?.variables !== null && typeof request?.variables === 'object' ? (request.variables as Variables) : {};
      if (upstreamCost(params.schema, params.documentAST, variables, request?.operationName) > maxUpstreamFields) addValidationRule(upstreamCostLimitRule);
    },
  };
}
