import type { CacheStore } from '../cache/store.js';
import type { EventLog } from '../events/event-log.js';
import { inSpan } from './trace-context.js';

/**
 * The same cache, each read and write a span of the request it serves (`cache get` ...): the store
 * kind and how many keys, never a key (keys hold merchant numbers and complaint ids). Outside a
 * traced request (background work, tracing off) a call goes straight through.
 */
export function traceCacheStore(store: CacheStore, kind: string): CacheStore {
  const attributes = (operation: string, keys: number) => ({ 'db.system.name': kind, 'db.operation.name': operation, 'complaint_gateway.cache.keys': keys });
  return {
    ...store,
    get: (key) => inSpan('cache get', attributes('get', 1), () => store.get(key)),
    getMany: (keys) => inSpan('cache getMany', attributes('getMany', keys.length), () => store.getMany(keys)),
    set: (key, value, ttlMs) => inSpan('cache set', attributes('set', 1), () => store.set(key, value, ttlMs)),
    setEviction: (key, value, ttlMs) => inSpan('cache setEviction', attributes('setEviction', 1), () => store.setEviction(key, value, ttlMs)),
    delete: (keys) => inSpan('cache delete', attributes('delete', keys.length), () => store.delete(keys)),
    get available() {
      return store.available;
    },
  };
}

/** The same event log, its appends and listings spans of the request they serve (the store kind, how many events). */
export function traceEventLog(log: EventLog, kind: string): EventLog {
  return {
    ...log,
    append: (events) =>
      inSpan('event-log append', { 'db.system.name': kind, 'db.operation.name': 'append', 'complaint_gateway.events': events.length }, () =>
        log.append(events),
      ),
    list: (query) => inSpan('event-log list', { 'db.system.name': kind, 'db.operation.name': 'list' }, () => log.list(query)),
  };
}
