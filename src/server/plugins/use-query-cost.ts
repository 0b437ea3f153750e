import { GraphQLError, Kind, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** graphql-armor's cost model: an object field 2, a leaf 1, each level below weighing 1.5 times more. */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;

/**
 * The cost of a selection as graphql-armor's cost limit counts it, without its page-size
 * multiplier: armor multiplies a field by a literal `first:`/`last:` only, so `first: 100` was
 * refused while `first: $first` with 100 passed. Page sizes are priced where it is done alike for
 * literals, variables and defaults (use-upstream-cost.ts) and capped by the schema's page maxima;
 * this limit prices the shape of the selection, the same whatever the values. Each fragment spread
 * costs its fragment (computed once; a spread inside itself costs nothing more: NoFragmentCycles refuses it).
 */
export function queryCost(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fragmentCosts = new Map<string, number>();
  const cost = (node: ASTNode): number => {
    if (node.kind === Kind.FIELD) {
      if (node.name.value === '__schema') return 0;
      if (node.selectionSet === undefined) return SCALAR_COST;
      return node.selectionSet.selections.reduce((sum, child) => sum + DEPTH_FACTOR * cost(child), OBJECT_COST);
    }
    if (node.kind === Kind.INLINE_FRAGMENT) return node.selectionSet.selections.reduce((sum, child) => sum + DEPTH_FACTOR * cost(child), OBJECT_COST);
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      const known = fragmentCosts.get(name);
      if (known !== undefined) return SCALAR_COST + DEPTH_FACTOR * known;
      const fragment = fragments.get(name);
      fragmentCosts.set(name, 0);
      const fragmentCost = fragment === undefined ? 0 : fragment.selectionSet.selections.reduce((sum, child) => sum + DEPTH_FACTOR * cost(child), OBJECT_COST);
      fragmentCosts.set(name, fragmentCost);
      return SCALAR_COST + DEPTH_FACTOR * fragmentCost;
    }
    return 0;
  };
  let highest = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    highest = Math.max(
      highest,
      definition.selectionSet.selections.reduce((sum, child) => sum + cost(child), 0),
    );
  }
  return highest;
}

/**
 * Refuses, as a validation error (400, GRAPHQL_VALIDATION_FAILED), an operation whose queryCost
 * is over `maxCost`. It depends on the document only, so yoga's validation cache is right to keep it.
 */
export function useQueryCost(maxCost: number): Plugin {
  const costLimitRule = (context: ValidationContext) => ({
    Document: {
      leave: (document: DocumentNode) => {
        const cost = queryCost(document);
        if (cost > maxCost) context.reportError(new GraphQLError(`Query Cost limit of ${maxCost} exceeded, found ${Math.round(cost)}.`));
      },
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(costLimitRule);
    },
  };
}
