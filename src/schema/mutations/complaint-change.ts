import { invalidateComplaint } from '../../cache/invalidation.js';
import type { Capability } from '../../domain/capability.js';
import type { ComplaintKey, MerchantKey } from '../../domain/complaint-key.js';
import { UnsupportedError } from '../../domain/errors.js';
import type { ComplaintProvider } from '../../providers/provider.js';
import { builder } from '../builder.js';
import { ComplaintRef } from '../complaint.js';
import type { Context } from '../context.js';
import { decodeComplaintId } from '../global-id.js';

/** The merchant's provider, refusing up front what its declared capabilities exclude. */
export function providerFor(context: Context, merchant: MerchantKey, capability: Capability): ComplaintProvider {
  const provider = context.registry.get(merchant);
  if (!provider.merchant.capabilities.includes(capability)) throw new UnsupportedError(provider.merchant.provider, capability);
  return provider;
}

/**
 * Runs a state-changing call on one complaint, then evicts everything that showed the old state
 * (shared cache and this request's loaders), so the success payload and every later read see the
 * new state. A failed call evicts too: a timeout may still have changed the complaint upstream.
 */
export async function changeComplaint<T>(
  context: Context,
  complaintId: string,
  capability: Capability,
  change: (provider: ComplaintProvider, key: ComplaintKey) => Promise<T>,
): Promise<{ key: ComplaintKey; result: T }> {
  const key = decodeComplaintId(complaintId, 'input.complaintId');
  const provider = providerFor(context, key, capability);
  const forget = async (): Promise<void> => {
    context.loaders.forgetComplaint(key);
    await invalidateComplaint(context.cache, key);
  };
  let result: T;
  try {
    result = await change(provider, key);
  } catch (error) {
    await forget().catch((evictionError: unknown) =>
      context.logger.error({ err: evictionError, complaint: key }, 'cache eviction after a failed mutation failed'),
    );
    throw error;
  }
  await forget();
  return { key, result };
}

export interface ComplaintChanged {
  key: ComplaintKey;
}

/** `XSuccess { complaint }`: the complaint as it is after the change (read fresh, never from cache). */
export function complaintSuccessType(name: string, description: string) {
  return builder.objectRef<ComplaintChanged>(name).implement({
    description,
    fields: (t) => ({
      complaint: t.field({
        type: ComplaintRef,
        resolve: (changed, _args, context) => context.loaders.complaint.load(changed.key),
      }),
    }),
  });
}
