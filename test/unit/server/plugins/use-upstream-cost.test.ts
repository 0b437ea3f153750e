import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../../src/schema/index.js';
import { upstreamCost } from '../../../../src/server/plugins/use-upstream-cost.js';

const OPERATIONS_DIR = fileURLToPath(new URL('../../../../schema/operations/', import.meta.url));
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string): number =>
  upstreamCost(schema, parse(query), variables, operationName);

describe('upstreamCost', () => {
  it('counts each aliased lookup, not each distinct field', () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `c${i}: complaint(id: "x") { state }`).join(' ');
    expect(cost(`{ ${aliases} }`)).toBe(100);
    expect(cost('{ merchants { name } complaintEvents { edges { cursor } } }')).toBe(0);
  });

  it('follows named and inline fragments, spreads counted each time', () => {
    const query = `
      query { a: node(id: "x") { ...C } b: node(id: "y") { ... on Complaint { ...C } } }
      fragment C on Complaint { payerOpenid ...H }
      fragment H on Complaint { negotiationHistory { edges { cursor } } }`;
    // Two nodes, each with payerOpenid and its history.
    expect(cost(query)).toBe(2 + 2 * 2);
  });

  it('multiplies what repeats per item by the page size, from literal, variable or its default', () => {
    const perItem = 'query($first: Int) { complaints(first: $first) { edges { node { payerOpenid negotiationHistory { edges { cursor } } } } } }';
    expect(cost(perItem, { first: 10 })).toBe(1 + 2 * 10);
    expect(cost(perItem, { first: 100 })).toBe(1 + 2 * 100);
    // The schema's default page (20) when the variable is left out; a declared default wins.
    expect(cost(perItem)).toBe(1 + 2 * 20);
    expect(cost(perItem.replace('$first: Int', '$first: Int = 5'))).toBe(1 + 2 * 5);
    expect(cost('{ complaintEvents(first: 30) { edges { node { complaint { state } } } } }')).toBe(30);
    // Beyond the schema's cap the resolver refuses the page before any call: only the field counts.
    expect(cost('{ complaints(first: 5000) { edges { node { payerOpenid } } } }')).toBe(1);
    expect(cost('query($first: Int) { complaintEvents(first: $first) { edges { node { complaint { state } } } } }', { first: 101 })).toBe(0);
  });

  it('counts every mutation field and the upstream fields of its answer', () => {
    expect(
      cost('mutation { a: completeComplaint(input: { complaintId: "x" }) { __typename } b: completeComplaint(input: { complaintId: "y" }) { __typename } }'),
    ).toBe(2);
  });

  it('counts the operation that runs', () => {
    const document = 'query Cheap { merchants { name } } query Dear { a: complaint(id: "x") { state } b: complaint(id: "y") { state } }';
    expect(cost(document, {}, 'Cheap')).toBe(0);
    expect(cost(document, {}, 'Dear')).toBe(2);
  });

  it('keeps every example console operation well under the default cap of 50', async () => {
    for (const name of ['complaint-detail', 'complaints', 'complaint-events', 'merchants', 'reply-to-complaint']) {
      const query = await readFile(`${OPERATIONS_DIR}${name}.graphql`, 'utf8');
      const variables = JSON.parse(/^#\s*variables:\s*(\{.*\})\s*$/m.exec(query)?.[1] ?? '{}') as Record<string, unknown>;
      expect(cost(query, variables), name).toBeLessThanOrEqual(20);
    }
  });
});
