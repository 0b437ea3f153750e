import { readFile } from 'node:fs/promises';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

const committedPath = new URL('../schema/schema.graphql', import.meta.url);

describe('schema drift', () => {
  it('the committed schema/schema.graphql is the printed, sorted SDL of the code (npm run schema:print)', async () => {
    const committed = await readFile(committedPath, 'utf8');
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });

  it('the committed SDL is already sorted, so its diff shows real changes only', async () => {
    const committed = await readFile(committedPath, 'utf8');
    expect(`${printSchema(lexicographicSortSchema(buildSchema(committed)))}\n`).toBe(committed);
  });
});
