import { createHash } from 'node:crypto';
import { responsePathAsArray } from 'graphql';
import { COMPLAINT_STATES, MEDIA_KINDS, PROBLEM_TYPES, type Complaint, type ComplaintMedia, type ComplaintOrder } from '../domain/complaint.js';
import { complaintKeyToString, merchantKeyToString, parseComplaintKey, type ComplaintKey } from '../domain/complaint-key.js';
import { GatewayError, NotFoundError, ValidationError, type ProviderName } from '../domain/errors.js';
import { addDays, beijingToday, daysBetween, type LocalDate } from '../domain/local-date.js';
import { readComplaintFeed, type FeedSource } from '../loaders/complaint-feed.js';
import { decodeFeedCursor, encodeFeedCursor, type FeedCursor } from '../loaders/feed-cursor.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { builder } from './builder.js';
import { sourceFailureError } from './error-extensions.js';
import { decodeComplaintId, decodeMerchantId } from './global-id.js';
import { MerchantRef, ProviderEnum } from './merchant.js';

/** When the filter names no dates: the last 30 days (Beijing calendar), today included. */
const DEFAULT_RANGE_DAYS = 30;
/** Longer ranges are refused: they cost one upstream call per 30-day window per merchant. */
const MAX_RANGE_DAYS = 366;
/** `complaints(first:)`: its default and largest page (the upstream-cost rule reads them too). */
export const COMPLAINTS_PAGE = { defaultSize: 20, maxSize: 100 } as const;
// The providers' id alphabet (see complaint-key.ts): anything else cannot name a complaint.
const COMPLAINT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

const ComplaintStateEnum = builder.enumType('ComplaintState', {
  description: 'UNKNOWN: a state this gateway does not know yet; see `stateRaw`.',
  values: [...COMPLAINT_STATES, 'UNKNOWN'] as const,
});

const ProblemTypeEnum = builder.enumType('ProblemType', {
  values: [...PROBLEM_TYPES, 'UNKNOWN'] as const,
});

const MediaKindEnum = builder.enumType('MediaKind', {
  values: [...MEDIA_KINDS, 'UNKNOWN'] as const,
});

const ComplaintOrderRef = builder.objectRef<ComplaintOrder>('ComplaintOrder').implement({
  fields: (t) => ({
    transactionId: t.exposeString('transactionId', { nullable: true }),
    outTradeNo: t.exposeString('outTradeNo'),
    amount: t.exposeInt('amount', { description: 'Order amount in fen.' }),
  }),
});

/** Media of one merchant's complaint, addressed through the gateway's signed media route. */
interface MediaOf {
  complaint: ComplaintKey;
  media: ComplaintMedia;
}

export const ComplaintMediaRef = builder.objectRef<MediaOf>('ComplaintMedia').implement({
  fields: (t) => ({
    kind: t.field({ type: MediaKindEnum, resolve: ({ media }) => media.kind.value }),
    kindRaw: t.string({ resolve: ({ media }) => media.kind.raw }),
    urls: t.stringList({
      description: 'Gateway URLs that stream the image through the signed download (no provider keys needed).',
      resolve: ({ complaint, media }, _args, context) => media.urls.map((url) => context.mediaUrl({ ...complaint, url })),
    }),
  }),
});

export const ComplaintRef = builder.loadableNode(builder.objectRef<Complaint>('Complaint'), {
  description: "One consumer complaint about one merchant's payment.",
  // On the type, so every way to a complaint (lists, node, events, mutation results) needs it.
  authScopes: { 'complaints:read': true },
  id: { resolve: (complaint) => complaintKeyToString(complaint.key) },
  load: (ids: string[], context) => context.loaders.complaint.loadMany(ids.map(parseComplaintKey)),
  toKey: (complaint) => complaintKeyToString(complaint.key),
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'complainedAt' in value && 'key' in value,
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, resolve: (complaint) => complaint.key.provider }),
    merchant: t.field({
      type: MerchantRef,
      resolve: (complaint, _args, context) => context.registry.get(complaint.key).merchant,
    }),
    complaintId: t.string({ description: "The provider's own id.", resolve: (complaint) => complaint.key.complaintId }),
    state: t.field({ type: ComplaintStateEnum, resolve: (complaint) => complaint.state.value }),
    stateRaw: t.string({ description: "The provider's spelling of the state.", resolve: (complaint) => complaint.state.raw }),
    complainedAt: t.expose('complainedAt', { type: 'DateTime' }),
    detail: t.exposeString('detail'),
    problemDescription: t.exposeString('problemDescription', { nullable: true }),
    problemType: t.field({ type: ProblemTypeEnum, nullable: true, resolve: (complaint) => complaint.problemType?.value ?? null }),
    problemTypeRaw: t.string({ nullable: true, resolve: (complaint) => complaint.problemType?.raw ?? null }),
    userComplaintTimes: t.exposeInt('userComplaintTimes'),
    incomingUserResponse: t.exposeBoolean('incomingUserResponse'),
    fullyRefunded: t.exposeBoolean('fullyRefunded'),
    applyRefundAmount: t.exposeInt('applyRefundAmount', { nullable: true, description: 'In fen.' }),
    needImmediateService: t.exposeBoolean('needImmediateService'),
    inPlatformService: t.exposeBoolean('inPlatformService', { nullable: true }),
    payerOpenid: t.string({
      nullable: true,
      description: "The payer's openid under the merchant's app id (provider detail view only).",
      // Lists leave it out (WeChat): fetch the detail only when this field is asked of a listed complaint.
      // Sealed in every cached complaint: opened here, for this response only.
      resolve: async (complaint, _args, context) => {
        const withOpenid =
          complaint.payerOpenid === null && context.loaders.complaintFromList(complaint)
            ? await context.loaders.complaintDetail.load(complaint.key)
            : complaint;
        return withOpenid.payerOpenid === null ? null : context.registry.get(complaint.key).revealPayerOpenid(withOpenid);
      },
    }),
    payerPhone: t.string({
      nullable: true,
      description: "The payer's phone (PII), decrypted only when asked for; needs the pii:read scope (else null and an error).",
      authScopes: { 'pii:read': true },
      resolve: (complaint, _args, context) => (complaint.payerPhone === null ? null : context.registry.get(complaint.key).revealPayerPhone(complaint)),
    }),
    orders: t.field({ type: [ComplaintOrderRef], resolve: (complaint) => complaint.orders }),
    media: t.field({
      type: [ComplaintMediaRef],
      resolve: (complaint) => complaint.media.map((media) => ({ complaint: complaint.key, media })),
    }),
    userTags: t.exposeStringList('userTags'),
    extras: t.field({ type: 'JSON', description: 'Provider fields without a place in the model.', resolve: (complaint) => complaint.extras }),
  }),
});

builder.queryField('complaint', (t) =>
  t.field({
    type: ComplaintRef,
    nullable: true,
    description: 'null when the merchant has no such complaint (or the caller may not see its merchant).',
    authScopes: { 'complaints:read': true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const key = decodeComplaintId(id);
      try {
        return await context.loaders.complaint.load(key);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
  }),
);

const ComplaintFilterInput = builder.inputType('ComplaintFilterInput', {
  fields: (t) => ({
    merchantIds: t.idList({ description: 'Merchant ids; default: every merchant.' }),
    providers: t.field({ type: [ProviderEnum] }),
    states: t.field({ type: [ComplaintStateEnum] }),
    from: t.field({ type: 'Date', description: `First day (Beijing), inclusive; default: ${DEFAULT_RANGE_DAYS} days up to \`to\`.` }),
    to: t.field({ type: 'Date', description: 'Last day (Beijing), inclusive; default: today.' }),
    complaintId: t.string({ description: "The provider's complaint id." }),
    outTradeNo: t.string({ description: "The merchant's order number." }),
  }),
});

type ComplaintFilter = typeof ComplaintFilterInput.$inferInput;

function resolveRange(filter: ComplaintFilter, now: number): { from: LocalDate; to: LocalDate } {
  const to = filter.to ?? beijingToday(new Date(now));
  const from = filter.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  return checkRange({ from, to }, now, 'filter');
}

/** The rules of a date range, for arguments and for the range a cursor carries alike. */
function checkRange(range: { from: LocalDate; to: LocalDate }, now: number, field: string): { from: LocalDate; to: LocalDate } {
  const { from, to } = range;
  const where = (part: 'from' | 'to'): string => (field === 'after' ? field : `${field}.${part}`);
  if (daysBetween(beijingToday(new Date(now)), to) > 1) throw new ValidationError(`to (${to}) is in the future`, where('to'));
  if (daysBetween(from, to) < 0) throw new ValidationError(`from (${from}) is after to (${to})`, where('from'));
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    throw new ValidationError(`the date range may span at most ${MAX_RANGE_DAYS} days`, where('from'));
  }
  return { from, to };
}

/**
 * A cursor this gateway signed, for this filter, over the sources this caller selects now: checked
 * as strictly as arguments, so that not even a cursor of the gateway's own (kept from another query,
 * another caller or before a grant changed) can widen what a request reads.
 */
function checkCursor(cursor: FeedCursor, filterHash: string, sources: readonly FeedSource[], now: number): void {
  if (cursor.f !== filterHash) throw new ValidationError('after is a cursor of a different filter', 'after');
  checkRange({ from: cursor.r[0], to: cursor.r[1] }, now, 'after');
  const selected = new Set(sources.map((source) => merchantKeyToString(source.merchant)));
  if (!Object.keys(cursor.p).every((merchant) => selected.has(merchant))) throw new ValidationError('after is not a cursor of this query', 'after');
}

function selectSources(registry: ProviderRegistry, filter: ComplaintFilter): FeedSource[] {
  const wanted = filter.merchantIds?.map((id) => {
    const merchant = decodeMerchantId(id, 'filter.merchantIds');
    if (registry.find(merchant) === undefined) throw new ValidationError('filter.merchantIds names an unknown merchant', 'filter.merchantIds');
    return merchantKeyToString(merchant);
  });
  const providers: readonly ProviderName[] | null = filter.providers ?? null;
  return registry.providers
    .filter((provider) => wanted === undefined || wanted.includes(merchantKeyToString(provider.merchant)))
    .filter((provider) => providers === null || providers.includes(provider.merchant.provider))
    .map((provider) => ({
      merchant: { provider: provider.merchant.provider, merchantNo: provider.merchant.merchantNo },
      limits: provider.limits,
      // Where the provider can look an order up, `outTradeNo` costs one call instead of a scan of every window.
      ...(provider.findByOutTradeNo === undefined ? {} : { findByOutTradeNo: provider.findByOutTradeNo.bind(provider) }),
    }));
}

/** A cursor is valid only for the filter it was made for; `first` may change between pages. */
function hashFilter(filter: ComplaintFilter): string {
  const canonical = JSON.stringify([
    [...(filter.merchantIds ?? [])].sort(),
    [...(filter.providers ?? [])].sort(),
    [...(filter.states ?? [])].sort(),
    filter.from ?? null,
    filter.to ?? null,
    filter.complaintId ?? null,
    filter.outTradeNo ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

builder.queryField('complaints', (t) =>
  t.connection(
    {
      type: ComplaintRef,
      description:
        'Complaints of the selected merchants merged newest first. A failing provider or merchant is reported in `errors` ' +
        '(extensions.code, extensions.provider) while the others still return their complaints. Forward paging only.',
      args: { filter: t.arg({ type: ComplaintFilterInput }) },
      authScopes: { 'complaints:read': true },
      resolve: async (_root, args, context, info) => {
        if (args.last != null || args.before != null) throw new ValidationError('complaints pages forward only: use first and after', 'last');
        const first = args.first ?? COMPLAINTS_PAGE.defaultSize;
        if (!Number.isInteger(first) || first < 1 || first > COMPLAINTS_PAGE.maxSize) {
          throw new ValidationError(`first must be between 1 and ${COMPLAINTS_PAGE.maxSize}`, 'first');
        }
        const filter: ComplaintFilter = args.filter ?? {};
        const filterHash = hashFilter(filter);
        const sources = selectSources(context.registry, filter);
        const now = context.clock.now();
        const after = args.after == null ? null : decodeFeedCursor(context.cursorKeys.complaints, args.after);
        if (after !== null) checkCursor(after, filterHash, sources, now);
        const range = after === null ? resolveRange(filter, now) : { from: after.r[0], to: after.r[1] };
        const complaintId = filter.complaintId ?? null;
        if (complaintId !== null && !COMPLAINT_ID.test(complaintId))
          throw new ValidationError('filter.complaintId is not a complaint id', 'filter.complaintId');
        const states: readonly string[] | null = filter.states ?? null;
        const outTradeNo = filter.outTradeNo ?? null;

        const page = await readComplaintFeed(context.loaders, {
          sources,
          range,
          encodeCursor: (cursor) => encodeFeedCursor(context.cursorKeys.complaints, cursor),
          filterHash,
          first,
          after,
          complaintId,
          outTradeNo,
          matches: (complaint) =>
            (states === null || states.includes(complaint.state.value)) &&
            (outTradeNo === null || complaint.orders.some((order) => order.outTradeNo === outTradeNo)),
        });
        for (const failure of page.failures) {
          const { error, merchant } = failure;
          // The caller sees a typed error; the operator needs to know which merchant failed and how.
          context.logger.warn(
            {
              ...merchant,
              errorCode: error instanceof GatewayError ? error.code : 'UNEXPECTED',
              errorName: error instanceof Error ? error.name : typeof error,
            },
            'a merchant failed while listing complaints; the others answered',
          );
          context.reportPartialError(sourceFailureError(error, merchant, responsePathAsArray(info.path)));
        }
        const edges = page.edges.map((edge) => ({ node: edge.complaint, cursor: edge.cursor }));
        return {
          edges,
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: after !== null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    { name: 'ComplaintConnection' },
    { name: 'ComplaintEdge' },
  ),
);
