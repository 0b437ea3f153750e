import { describe, expectTypeOf, it } from 'vitest';
import type { Complaint } from '../../../src/domain/complaint.js';
import type { ComplaintKey } from '../../../src/domain/complaint-key.js';
import { createContext, type Context, type SchemaDeps } from '../../../src/schema/context.js';
import type { GatewayDeps } from '../../../src/server/gateway.js';

describe('Context', () => {
  it('is built per request from the schema deps', () => {
    expectTypeOf(createContext).parameters.toEqualTypeOf<[Request, SchemaDeps]>();
    expectTypeOf(createContext).returns.toEqualTypeOf<Context>();
  });

  it('loads complaints by key, never by untyped ids', () => {
    expectTypeOf<Context['loaders']['complaint']['load']>().parameter(0).toEqualTypeOf<ComplaintKey>();
    expectTypeOf<ReturnType<Context['loaders']['complaint']['load']>>().toEqualTypeOf<Promise<Complaint>>();
  });

  it('takes the media URL shape from the gateway options', () => {
    expectTypeOf<GatewayDeps['options']['mediaUrlBase']>().toEqualTypeOf<(token: string) => string>();
    expectTypeOf<SchemaDeps['mediaUrlBase']>().toEqualTypeOf<GatewayDeps['options']['mediaUrlBase']>();
  });
});
