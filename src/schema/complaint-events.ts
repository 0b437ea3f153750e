import type { ComplaintEvent } from '../domain/events.js';
import { ValidationError } from '../domain/errors.js';
import { builder } from './builder.js';
import { ComplaintRef } from './complaint.js';
import { decodeMerchantId } from './global-id.js';
import { MerchantRef, ProviderEnum } from './merchant.js';

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 50;

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
        'The notification feed for polling clients, oldest first. Cursors stay valid across restarts: keep the last one and pass it as `after` to resume exactly where you stopped.',
      args: { merchantIds: t.arg.idList({ required: false, description: 'Only these merchants; default: every merchant the caller was granted.' }) },
      authScopes: { 'complaints:read': true },
      resolve: async (_root, args, context) => {
        if (args.before != null || args.last != null) throw new ValidationError('complaintEvents pages forward only: use first/after', 'last');
        const first = args.first ?? DEFAULT_PAGE_SIZE;
        if (first < 1 || first > MAX_PAGE_SIZE) throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
        // An unknown merchant is an error, not an empty feed, so a typo does not look like silence.
        const named = args.merchantIds?.map((id) => context.registry.get(decodeMerchantId(String(id), 'merchantIds')).merchant);
        // A caller granted some merchants only reads theirs, even without naming them.
        const merchants = named ?? (context.principal.merchants === 'all' ? undefined : context.registry.merchants);
        const page = await context.eventLog.list({
          first,
          ...(args.after == null ? {} : { after: args.after }),
          ...(merchants === undefined ? {} : { merchants }),
        });
        const edges = page.entries.map((entry) => ({ cursor: entry.cursor, node: entry.event }));
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

