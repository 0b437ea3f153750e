import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validParts } from '../../../src/config/valid-parts.js';

const schema = z.strictObject({
  name: z.string().min(1),
  server: z.strictObject({ port: z.int().optional(), host: z.string().optional() }).default({}),
  mode: z.strictObject({ kind: z.enum(['a', 'b']), file: z.string().optional() }).optional(),
});

describe('validParts', () => {
  it('keeps a valid value as it is', () => {
    const input = { name: 'x', server: { port: 1 } };
    expect(validParts(schema, input)).toBe(input);
  });

  it('keeps the valid fields of an object with bad ones, recursively, and drops unknown keys', () => {
    expect(validParts(schema.shape.server, { port: 'eighty', host: 'h', colour: 'blue' })).toEqual({ port: undefined, host: 'h' });
    expect(z.safeParse(schema.shape.server, validParts(schema.shape.server, { port: 'eighty', host: 'h' })).success).toBe(true);
  });

  it('drops an object whose required field is bad, and answers undefined when nothing can be kept', () => {
    expect(validParts(schema.shape.mode, { kind: 'c', file: 'f' })).toBeUndefined();
    // `name` is required and bad: the whole input cannot pass, so nothing is kept.
    expect(validParts(schema, { name: '', server: { host: 'h' } })).toBeUndefined();
    expect(validParts(schema, 'not an object')).toBeUndefined();
  });
});
