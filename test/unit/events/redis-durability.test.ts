import { describe, expect, it } from 'vitest';
import { redisDurabilityWarning } from '../../../src/events/redis-durability.js';

/** A CONFIG GET that answers from a table, as @redis/client returns it (a plain map). */
function configOf(values: Record<string, string>) {
  return async (parameter: string): Promise<unknown> => (parameter in values ? { [parameter]: values[parameter] } : {});
}

describe('redisDurabilityWarning', () => {
  it('is silent only for AOF with appendfsync always', async () => {
    expect(await redisDurabilityWarning(configOf({ appendonly: 'yes', appendfsync: 'always' }))).toBeNull();
    for (const values of [
      { appendonly: 'yes', appendfsync: 'everysec' },
      { appendonly: 'no', appendfsync: 'always' },
      { appendonly: 'yes', appendfsync: 'no' },
      {},
    ]) {
      const warning = await redisDurabilityWarning(configOf(values));
      expect(warning, JSON.stringify(values)).toMatch(/may be lost on a Redis restart.*appendfsync always.*PostgreSQL/);
    }
    expect(await redisDurabilityWarning(configOf({ appendonly: 'yes', appendfsync: 'everysec' }))).toContain('appendonly yes and appendfsync everysec');
  });

  it('reads a RESP3 map reply too', async () => {
    const reply = (parameter: string) => Promise.resolve(new Map([[parameter, parameter === 'appendonly' ? 'yes' : 'always']]));
    expect(await redisDurabilityWarning(reply)).toBeNull();
  });

  it('says durability cannot be checked when CONFIG is refused (managed Redis)', async () => {
    const refused = () => Promise.reject(new Error("ERR unknown command 'CONFIG'"));
    expect(await redisDurabilityWarning(refused)).toMatch(/cannot check the durability.*CONFIG GET was refused.*may be lost.*PostgreSQL/);
  });
});
