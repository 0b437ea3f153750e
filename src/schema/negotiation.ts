import { OPERATE_TYPES, type NegotiationClick, type NegotiationEntry } from '../domain/negotiation.js';
import type { ComplaintKey } from '../domain/complaint-key.js';
import { ValidationError } from '../domain/errors.js';
import { builder } from './builder.js';
import { ComplaintMediaRef, ComplaintRef } from './complaint.js';
import { NormalMessageRef } from './message.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

const OperateTypeEnum = builder.enumType('OperateType', {
  description: "WeChat Pay's operation types, its misspellings included; UNKNOWN: see `operateTypeRaw`.",
  values: [...OPERATE_TYPES, 'UNKNOWN'] as const,
});

const NegotiationClickRef = builder.objectRef<NegotiationClick>('NegotiationClick').implement({
  fields: (t) => ({
    actionId: t.string({ nullable: true, resolve: (click) => click.actionId }),
    clickedLogId: t.string({ nullable: true, description: 'The history entry whose button or link was clicked.', resolve: (click) => click.clickedLogId }),
    content: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The message the click sent, as the provider gave it.',
      resolve: (click) => click.content ?? null,
    }),
  }),
});

interface EntryOf {
  complaint: ComplaintKey;
  entry: NegotiationEntry;
}

const NegotiationEntryRef = builder.objectRef<EntryOf>('NegotiationEntry').implement({
  description: 'One step of the negotiation between user, merchant and platform.',
  fields: (t) => ({
    logId: t.string({ resolve: ({ entry }) => entry.logId }),
    operator: t.string({ resolve: ({ entry }) => entry.operator }),
    operateType: t.field({ type: OperateTypeEnum, resolve: ({ entry }) => entry.operateType.value }),
    operateTypeRaw: t.string({ resolve: ({ entry }) => entry.operateType.raw }),
    operatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "null when the provider's time could not be read (one odd entry must not fail the page): see operatedAtRaw.",
      resolve: ({ entry }) => entry.operatedAt,
    }),
    operatedAtRaw: t.string({ description: 'The time as the provider wrote it.', resolve: ({ entry }) => entry.operatedAtRaw }),
    details: t.string({ nullable: true, resolve: ({ entry }) => entry.details }),
    images: t.stringList({
      description:
        "Gateway `/media/` URLs of the images the merchant or platform customer service attached to this step (never the user's: those are in `media`). " +
        "The gateway streams them with its image checks; for WeChat Pay it fetches the provider's short-lived (one hour) public URL unsigned, " +
        'so read the history again for working URLs after that.',
      // Proxied rather than passed through: the browser then gets only images the gateway checked
      // (type, size, safe headers) from one origin, and never talks to the provider's hosts itself.
      resolve: ({ complaint, entry }, _args, context) => entry.images.map((url) => context.mediaUrl({ ...complaint, url, source: 'HISTORY_IMAGE' })),
    }),
    media: t.field({
      type: ComplaintMediaRef,
      nullable: true,
      resolve: ({ complaint, entry }) => (entry.media === null ? null : { complaint, media: entry.media }),
    }),
    message: t.field({ type: NormalMessageRef, nullable: true, resolve: ({ entry }) => entry.message }),
    click: t.field({
      type: NegotiationClickRef,
      nullable: true,
      description: 'The user clicked a button or link of an earlier message.',
      resolve: ({ entry }) => entry.click,
    }),
    platformServiceReason: t.string({
      nullable: true,
      description: 'Why the user asked the platform to step in.',
      resolve: ({ entry }) => entry.platformServiceReason?.reason ?? null,
    }),
    platformServiceReasonDescription: t.string({ nullable: true, resolve: ({ entry }) => entry.platformServiceReason?.description ?? null }),
    extras: t.field({ type: 'JSON', description: 'Provider fields without a place in the model.', resolve: ({ entry }) => entry.extras }),
  }),
});

/** History cursors are positions: history only grows at its end, so an offset is stable. */
function encodeHistoryCursor(position: number): string {
  return Buffer.from(`h:${position}`).toString('base64url');
}

function decodeHistoryCursor(cursor: string): number {
  const match = /^h:(\d{1,7})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null || encodeHistoryCursor(Number(match[1])) !== cursor) {
    throw new ValidationError('after is not a negotiation history cursor', 'after');
  }
  return Number(match[1]);
}

builder.objectField(ComplaintRef, 'negotiationHistory', (t) =>
  t.connection(
    {
      type: NegotiationEntryRef,
      description: "The negotiation history in the provider's order; forward paging only.",
      resolve: async (complaint, args, context) => {
        if (args.last != null || args.before != null) throw new ValidationError('history pages forward only: use first and after', 'last');
        const first = args.first ?? DEFAULT_PAGE_SIZE;
        if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
          throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
        }
        const start = args.after == null ? 0 : decodeHistoryCursor(args.after);
        const size = context.registry.get(complaint.key).limits.maxHistoryPageSize;
        // Aligned, provider-sized pages: every request reads the same cache entries.
        const entries: NegotiationEntry[] = [];
        let pageOffset = Math.floor(start / size) * size;
        let more = true;
        while (more && entries.length <= first) {
          const page = await context.loaders.negotiationPage.load({ complaint: complaint.key, limit: size, offset: pageOffset });
          entries.push(...page.entries.slice(Math.max(0, start - pageOffset)));
          pageOffset += page.entries.length;
          more = page.entries.length === size && (page.totalCount === null || pageOffset < page.totalCount);
        }
        const edges = entries.slice(0, first).map((entry, index) => ({
          node: { complaint: complaint.key, entry },
          cursor: encodeHistoryCursor(start + index + 1),
        }));
        return {
          edges,
          pageInfo: {
            hasNextPage: entries.length > first,
            hasPreviousPage: start > 0,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    { name: 'NegotiationEntryConnection' },
    { name: 'NegotiationEntryEdge' },
  ),
);
