import DataLoader from 'dataloader';
import { CACHE_TTL_MS, cacheKeys } from '../cache/keys.js';
import { merchantKeyToString, type MerchantKey } from '../domain/complaint-key.js';
import { UnsupportedError } from '../domain/errors.js';
import type { LoaderDeps } from './complaint-loader.js';

export type NotificationUrlLoader = DataLoader<MerchantKey, string | null, string>;

// Cached as an object so that "no URL" (null) is a hit, not a miss.
interface CachedUrl {
  url: string | null;
}

async function loadUrl({ registry, cache }: LoaderDeps, merchant: MerchantKey): Promise<string | null> {
  // The registry first: the cache is shared by every caller, and only the registry knows whom this one may see.
  const provider = registry.get(merchant);
  const cacheKey = cacheKeys.notificationUrl(merchant);
  const cached = await cache.get<CachedUrl>(cacheKey);
  if (cached !== undefined) return cached.url;
  let url: string | null;
  try {
    url = await provider.getNotificationUrl();
  } catch (error) {
    // A provider whose staff configure the URL (Huishouqian) cannot tell it: that is "none known", not a failure.
    if (error instanceof UnsupportedError) return null;
    throw error;
  }
  await cache.set(cacheKey, { url } satisfies CachedUrl, CACHE_TTL_MS.notificationUrl);
  return url;
}

export function createNotificationUrlLoader(deps: LoaderDeps): NotificationUrlLoader {
  return new DataLoader<MerchantKey, string | null, string>(
    async (keys) => Promise.all(keys.map((key) => loadUrl(deps, key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
    { cacheKeyFn: merchantKeyToString },
  );
}
