import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { parse, validate, type GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../../src/schema/index.js';
import { DEFAULT_REQUEST_LIMITS } from '../../../../src/server/plugins/use-request-limits.js';
import { queryCost } from '../../../../src/server/plugins/use-query-cost.js';

const OPERATIONS_DIR = fileURLToPath(new URL('../../../../schema/operations/', import.meta.url));
/** The RecentComplaints example as it was (each edge's cursor selected), at a page size given as `first`. */
const LIST = (first: string) =>
  `query Q${first.startsWith('$') ? '($first: Int)' : ''} { complaints(first: ${first}) { edges { cursor node { id provider complaintId state complainedAt detail merchant { name } } } pageInfo { hasNextPage endCursor } } }`;

/** graphql-armor's own count, read from its message (`found N`). */
function armorCost(query: string): number {
  let found = 0;
  const errors: readonly GraphQLError[] = validate(schema, parse(query), [
    costLimitRule({
      maxCost: 0,
      propagateOnRejection: false,
      onReject: [(_context, error) => void (found = Number(/found (\d+(?:\.\d+)?)/.exec(error.message)?.[1]))],
    }),
  ]);
  expect(errors).toEqual([]);
  return found;
}

describe('queryCost', () => {
  it('prices `first: 100` and `first: $first` alike (armor multiplied only the literal)', () => {
    expect(queryCost(parse(LIST('100')))).toBe(queryCost(parse(LIST('$first'))));
    expect(queryCost(parse(LIST('100')))).toBeLessThan(DEFAULT_REQUEST_LIMITS.maxCost);
    // armor's own model: the literal cost 100 times the variable's, over the limit.
    expect(armorCost(LIST('100'))).toBeGreaterThan(DEFAULT_REQUEST_LIMITS.maxCost);
    expect(armorCost(LIST('$first'))).toBe(queryCost(parse(LIST('$first'))));
  });

  it('is armor’s count without page sizes: fields, nesting, inline and named fragments', () => {
    const query = `
      query { merchants { id name } node(id: "x") { ... on Complaint { id orders { amount } ...M } } }
      fragment M on Complaint { merchant { name } negotiationHistory { edges { node { logId } } } }`;
    expect(queryCost(parse(query))).toBe(armorCost(query));
  });

  it('lets every example operation through and refuses a selection too wide for the limit', async () => {
    for (const name of (await readdir(OPERATIONS_DIR)).filter((file) => file.endsWith('.graphql'))) {
      expect(queryCost(parse(await readFile(`${OPERATIONS_DIR}${name}`, 'utf8'))), name).toBeLessThan(DEFAULT_REQUEST_LIMITS.maxCost);
    }
    const wide = Array.from(
      { length: 100 },
      (_, i) => `c${i}: complaint(id: "x") { negotiationHistory { edges { node { logId message { blocks { __typename } } } } } }`,
    ).join(' ');
    expect(queryCost(parse(`{ ${wide} }`))).toBeGreaterThan(DEFAULT_REQUEST_LIMITS.maxCost);
  });
});
