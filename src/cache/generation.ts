import { randomBytes } from 'node:crypto';
import { CACHE_TTL_MS } from './keys.js';
import type { CacheStore } from './store.js';

/**
 * Generation tokens are random, not counters: two instances bumping at once still each leave a
 * token no reader has cached pages under, and no read-increment-write race can reuse an old one.
 */
function newGeneration(): string {
  return `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** The current token; a missing one is created so pages are never cached under a reused token. */
export async function readGeneration(cache: CacheStore, key: string): Promise<string> {
  const current = await cache.get<string>(key);
  if (typeof current === 'string') return current;
  const created = newGeneration();
  await cache.set(key, created, CACHE_TTL_MS.generation);
  return created;
}

/** Several tokens in one store read (missing ones created as in readGeneration), in key order. */
export async function readGenerations(cache: CacheStore, keys: readonly string[]): Promise<string[]> {
  return completeGenerations(cache, keys, await cache.getMany<string>(keys));
}

/** Tokens read with something else in one round trip: the missing ones are created as in readGeneration. */
export async function completeGenerations(cache: CacheStore, keys: readonly string[], current: readonly unknown[]): Promise<string[]> {
  // The usual case, on every warm request: nothing to create.
  if (current.length === keys.length && current.every((value) => typeof value === 'string')) return current as string[];
  return Promise.all(
    keys.map(async (key, index) => {
      const value = current[index];
      if (typeof value === 'string') return value;
      const created = newGeneration();
      await cache.set(key, created, CACHE_TTL_MS.generation);
      return created;
    }),
  );
}

/** Never lost (kept and replayed when the store fails): a bump that did not happen would leave stale pages reachable. */
export async function bumpGeneration(cache: CacheStore, key: string): Promise<void> {
  await cache.setEviction(key, newGeneration(), CACHE_TTL_MS.generation);
}
