import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { ValidationError } from '../domain/errors.js';
import { parseLocalDate } from '../domain/local-date.js';
import { builder } from './builder.js';

// RFC 3339 with an explicit offset: the provider's offset is information (Beijing time), keep it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be ISO 8601 with an offset, e.g. 2026-01-02T03:04:05+08:00');
  }
  return value;
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError('Date must be a string YYYY-MM-DD');
  try {
    return parseLocalDate(value, 'Date');
  } catch (error) {
    throw new GraphQLError(error instanceof ValidationError ? error.message : 'Date must be YYYY-MM-DD');
  }
}

function literalString(node: ValueNode, scalar: string): string {
  if (node.kind !== Kind.STRING) throw new GraphQLError(`${scalar} must be a string`);
  return node.value;
}

function literalJson(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((value) => literalJson(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalJson(field.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError('JSON literal not supported');
  }
}

builder.scalarType('DateTime', {
  description: 'ISO 8601 date-time with offset, as the provider gave it (Beijing time: +08:00).',
  serialize: (value) => parseDateTime(value),
  parseValue: parseDateTime,
  parseLiteral: (node) => parseDateTime(literalString(node, 'DateTime')),
});

builder.scalarType('Date', {
  description: "A calendar date YYYY-MM-DD in the providers' calendar (Beijing).",
  serialize: (value) => parseDate(value),
  parseValue: parseDate,
  parseLiteral: (node) => parseDate(literalString(node, 'Date')),
});

builder.scalarType('JSON', {
  description: 'Provider fields without a place in the model, as the provider sent them.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => literalJson(node, variables),
});

builder.scalarType('File', {
  description: 'A file of a GraphQL multipart request (input only).',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  parseValue: (value) => {
    // yoga may hand over @whatwg-node's File rather than Node's: check the shape, not the class.
    if (typeof value !== 'object' || value === null || typeof (value as File).arrayBuffer !== 'function' || typeof (value as File).name !== 'string') {
      throw new GraphQLError('File must be sent as a GraphQL multipart upload');
    }
    return value as File;
  },
  parseLiteral: () => {
    throw new GraphQLError('File must be sent as a GraphQL multipart upload');
  },
});
