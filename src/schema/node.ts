import { builder } from './builder.js';

// The relay plugin adds `interface Node` and `Query.node(id)` to these roots; ids are decoded by
// global-id.ts (strict: a forged or garbled id is a VALIDATION_ERROR, never a crash).
builder.queryType({
  description: 'Complaints of every configured merchant, across providers.',
});

builder.mutationType({
  description: 'Every mutation returns a union of its success type and the `Error` types.',
});
