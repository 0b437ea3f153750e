import DataLoader from 'dataloader';
import { readGeneration } from '../cache/generation.js';
import { CACHE_TTL_MS, cacheKeys } from '../cache/keys.js';
import { merchantKeyToString, type MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintPage, ListComplaintsQuery } from '../providers/provider.js';
import { primeComplaints, type ComplaintLoader, type LoaderDeps } from './complaint-loader.js';
import type { ListedComplaints } from './listed-complaints.js';

export interface ListPageKey {
  merchant: MerchantKey;
  query: ListComplaintsQuery;
}

export type ListPageLoader = DataLoader<ListPageKey, ComplaintPage, string>;

async function loadPage({ registry, cache }: LoaderDeps, key: ListPageKey): Promise<ComplaintPage> {
  // The registry first: the cache is shared by every caller, and only the registry knows whom this one may see.
  const provider = registry.get(key.merchant);
  const generation = await readGeneration(cache, cacheKeys.merchantGeneration(key.merchant));
  const cacheKey = cacheKeys.listPage(key.merchant, generation, key.query);
  const cached = await cache.get<ComplaintPage>(cacheKey);
  if (cached !== undefined) return cached;
  const page = await provider.listComplaints(key.query);
  await cache.set(cacheKey, page, CACHE_TTL_MS.listPage);
  return page;
}

/** One upstream list page of one merchant (cache under the merchant's generation, then provider); primes details. */
export function createListPageLoader(deps: LoaderDeps, complaints: ComplaintLoader, listed: ListedComplaints): ListPageLoader {
  return new DataLoader<ListPageKey, ComplaintPage, string>(
    async (keys) => {
      const pages = Promise.all(
        keys.map(async (key) => {
          try {
            const page = await loadPage(deps, key);
            primeComplaints(complaints, listed, page.complaints);
            return page;
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
      listed.track(pages);
      return pages;
    },
    {
      cacheKeyFn: ({ merchant, query }) => `${merchantKeyToString(merchant)}:${query.from}:${query.to}:${query.limit}:${query.offset}`,
    },
  );
}
