import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/schema/index.js';

const DIR = fileURLToPath(new URL('../../../schema/operations/', import.meta.url));
const files = readdirSync(DIR).filter((name) => name.endsWith('.graphql'));

describe('example operations (GraphiQL tabs, codegen documents)', () => {
  it('cover the queries and every mutation', () => {
    const text = files.map((name) => readFileSync(`${DIR}${name}`, 'utf8')).join('\n');
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(mutations.length).toBeGreaterThanOrEqual(8);
    for (const field of [...mutations, 'complaints', 'complaint', 'negotiationHistory']) expect(text).toContain(`${field}(`);
    expect(text).toContain('merchants {');
  });

  it.each(files)('%s validates against the schema, with parseable variables', (name) => {
    const text = readFileSync(`${DIR}${name}`, 'utf8');
    expect(validate(schema, parse(text))).toEqual([]);
    const variables = /^#\s*variables:\s*(\{.*\})\s*$/m.exec(text)?.[1];
    if (variables !== undefined) expect(() => JSON.parse(variables) as unknown).not.toThrow();
  });
});
