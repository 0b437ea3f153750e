import { z } from 'zod';

/**
 * What of `input` its schema accepts, to carry on after a failed parse: a valid value as it is, an
 * object with each of its fields kept where valid (recursively), anything else dropped (undefined,
 * so that defaults apply). The result passes `schema` or is undefined. resolveConfig uses it so that
 * one bad key does not hide the problems the later checks (secrets, stores, URLs) would find.
 */
export function validParts(schema: z.core.$ZodType, input: unknown): unknown {
  if (z.safeParse(schema, input).success) return input;
  const object = objectSchemaOf(schema);
  if (object === null || typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const values = new Map(Object.entries(input));
  const kept = Object.fromEntries(Object.entries(object.shape).map(([key, field]) => [key, validParts(field, values.get(key))]));
  return z.safeParse(schema, kept).success ? kept : undefined;
}

function objectSchemaOf(schema: z.core.$ZodType): z.ZodObject | null {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return objectSchemaOf(schema.unwrap());
  return null;
}
