/** One `CONFIG GET <parameter>` on the event log's Redis connection. */
export type RedisConfigGet = (parameter: string) => Promise<unknown>;

const ADVICE = 'run it with appendonly yes and appendfsync always, or use the PostgreSQL event log (eventLog.store "postgres")';

/** A value of a CONFIG GET reply (a plain object, or a Map with RESP3 type mapping); undefined when the server has no such parameter. */
function parameterValue(reply: unknown, parameter: string): string | undefined {
  if (reply instanceof Map) return reply.has(parameter) ? String(reply.get(parameter)) : undefined;
  if (typeof reply !== 'object' || reply === null || !(parameter in reply)) return undefined;
  return String(Object.getOwnPropertyDescriptor(reply, parameter)?.value);
}

/**
 * The warning an operator needs about the Redis behind the event log, or null when it is durable:
 * the webhook acknowledges a notification once Redis answered the append, and only AOF with
 * `appendfsync always` has it on disk by then (`everysec` loses up to a second, no AOF everything
 * since the last snapshot). The provider never redelivers an acknowledged notification. No URL:
 * the message goes to the log.
 */
export async function redisDurabilityWarning(configGet: RedisConfigGet): Promise<string | null> {
  let appendonly: string | undefined;
  let appendfsync: string | undefined;
  try {
    appendonly = parameterValue(await configGet('appendonly'), 'appendonly');
    appendfsync = parameterValue(await configGet('appendfsync'), 'appendfsync');
  } catch {
    // Managed services (ElastiCache, Memorystore, ...) refuse CONFIG.
    return `The Redis event log cannot check the durability of its server (CONFIG GET was refused): unless the server runs with appendonly yes and appendfsync always, acknowledged notifications may be lost on a Redis restart; ${ADVICE}`;
  }
  if (appendonly === 'yes' && appendfsync === 'always') return null;
  return `The Redis event log's server runs with appendonly ${appendonly ?? 'unknown'} and appendfsync ${appendfsync ?? 'unknown'}: acknowledged notifications may be lost on a Redis restart; ${ADVICE}`;
}
