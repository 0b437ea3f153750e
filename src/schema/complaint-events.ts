import type { KeyObject } from 'node:crypto';
import { openToken, signToken } from '../crypto/signed-token.js';
import { merchantKeyToString, type MerchantKey } from '../domain/complaint-key.js';
import type { ComplaintEvent } from '../domain/events.js';
import { ValidationError } from '../domain/errors.js';
import { builder } from './builder.js';
import { ComplaintRef } from './complaint.js';
import { decodeMerchantId } from './global-id.js';
import { MerchantRef, ProviderEnum } from './merchant.js';

/** `complaintEvents(first:)`: its default and largest page (the upstream-cost rule reads them too). */
export const EVENTS_PAGE = { defaultSize: 50, maxSize: 100 } as const;
const MAX_CURSOR_CHARS = 512;

/**
 * A feed cursor as clients see it: the event log's own position, with the `merchantIds` it was read
 * for, signed with the gateway's secret (signed-token.ts). Only cursors the gateway handed out, for
 * the same merchants argument, are accepted; the position stays valid across restarts and instances
 * as long as they share the secret.
 */
function signFeedCursor(key: KeyObject, position: string, named: string | null): string {
  return signToken(key, JSON.stringify([position, named]));
}

function openFeedCursor(key: KeyObject, cursor: string, named: string | null): string {
  const invalid = new ValidationError('after is not a cursor of this query', 'after');
  const payload = openToken(key, cursor, MAX_CURSOR_CHARS);
  if (payload === null) throw invalid;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw invalid;
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || value[1] !== named) throw invalid;
  return value[0];
}

/** The merchants argument as a cursor carries it: order and repeats do not make another query. */
function namedMerchants(merchants: readonly MerchantKey[] | undefined): string | null {
  return merchants === undefined ? null : [...new Set(merchants.map(merchantKeyToString))].sort().join(',');
}

const ComplaintEventRef = builder.objectRef<ComplaintEvent>('ComplaintEvent').implement({
  description: 'One provider notification about one complaint, in the order the gateway accepted it.',
  authScopes: { 'complaints:read': true },
  fields: (t) => ({
    notificationId: t.exposeString('notificationId', { description: "The provider's notification id (the de-duplication key)." }),
    provider: t.field({ type: ProviderEnum, resolve: (event) => event.complaint.provider }),
    merchant: t.field({ type: MerchantRef, resolve: (event, _args, context) => context.registry.get(event.complaint).merchant }),
    complaintId: t.string({ resolve: (event) => event.complaint.complaintId }),
    actionType: t.exposeString('actionType', { description: 'As the provider sent it, e.g. CREATE_COMPLAINT, USER_RESPONSE.' }),
    providerTime: t.expose('providerTime', { type: 'DateTime', nullable: true }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    complaint: t.field({
      type: ComplaintRef,
      nullable: true,
      description: 'The complaint as it is now (the notification evicted any cached copy); null if it cannot be read.',
      resolve: (event, _args, context) => context.loaders.complaint.load(event.complaint),
    }),
  }),
});

builder.queryField('complaintEvents', (t) =>
  t.connection(
    {
      type: ComplaintEventRef,
      description:
        'The notification feed for polling clients, oldest first. Cursors stay valid across restarts: keep the last one and pass it as `after` to resume exactly where you stopped. ' +
        'Events older than the retention (90 days by default) are pruned; a cursor older than that fails with `extensions.code` EVENT_CURSOR_EXPIRED: restart without `after`, from the oldest event.',
      args: { merchantIds: t.arg.idList({ required: false, description: 'Only these merchants; default: every merchant the caller was granted.' }) },
      authScopes: { 'complaints:read': true },
      resolve: async (_root, args, context) => {
        if (args.before != null || args.last != null) throw new ValidationError('complaintEvents pages forward only: use first/after', 'last');
        const first = args.first ?? EVENTS_PAGE.defaultSize;
        if (first < 1 || first > EVENTS_PAGE.maxSize) throw new ValidationError(`first must be between 1 and ${EVENTS_PAGE.maxSize}`, 'first');
        // An unknown merchant is an error, not an empty feed, so a typo does not look like silence.
        const named = args.merchantIds?.map((id) => context.registry.get(decodeMerchantId(String(id), 'merchantIds')).merchant);
        const filter = namedMerchants(named);
        const after = args.after == null ? undefined : openFeedCursor(context.cursorKeys.events, args.after, filter);
        // A caller granted some merchants only reads theirs, even without naming them.
        const merchants = named ?? (context.principal.merchants === 'all' ? undefined : context.registry.merchants);
        const page = await context.eventLog.list({
          first,
          ...(after === undefined ? {} : { after }),
          ...(merchants === undefined ? {} : { merchants }),
        });
        const edges = page.entries.map((entry) => ({ cursor: signFeedCursor(context.cursorKeys.events, entry.cursor, filter), node: entry.event }));
        return {
          edges,
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: args.after != null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    { name: 'ComplaintEventConnection' },
    { name: 'ComplaintEventEdge' },
  ),
);
