import { complaintKeyToString, merchantKeyToString, type MerchantKey } from '../domain/complaint-key.js';
import type { Complaint } from '../domain/complaint.js';
import { NotFoundError } from '../domain/errors.js';
import { beijingToday } from '../domain/local-date.js';
import { comesFirstNewestFirst, splitDateRange, type DateWindow } from '../domain/paging.js';
import type { ProviderLimits } from '../providers/provider.js';
import type { ComplaintLoader } from './complaint-loader.js';
import type { FeedCursor } from './feed-cursor.js';
import type { ListPageLoader } from './list-page-loader.js';

/** One merchant whose complaints take part in the merged feed. */
export interface FeedSource {
  merchant: MerchantKey;
  limits: ProviderLimits;
  /** The provider's own lookup by order number (ComplaintProvider.findByOutTradeNo), where it has one. */
  findByOutTradeNo?: (outTradeNo: string) => Promise<Complaint[]>;
}

export interface FeedQuery {
  sources: readonly FeedSource[];
  range: DateWindow;
  /** Identifies the filter; cursors carry it (see feed-cursor.ts). */
  filterHash: string;
  first: number;
  after: FeedCursor | null;
  /** Filters the providers cannot apply themselves (state, outTradeNo). */
  matches: (complaint: Complaint) => boolean;
  /** When set, each source is asked for this one complaint instead of listing (cheap and exact). */
  complaintId: string | null;
  /**
   * When set, sources that can look an order up (`findByOutTradeNo`) are asked for it instead of
   * listing; the others still scan the range. `matches` must test it as well (scanned sources rely on it).
   */
  outTradeNo: string | null;
  /** Signs a cursor (feed-cursor.ts): the feed decides where pages end, the caller holds the key. */
  encodeCursor: (cursor: FeedCursor) => string;
}

export interface FeedEdge {
  complaint: Complaint;
  cursor: string;
}

export interface FeedFailure {
  merchant: MerchantKey;
  error: unknown;
}

export interface FeedPage {
  edges: FeedEdge[];
  hasNextPage: boolean;
  /** Sources that failed; the others' complaints are still in `edges`. */
  failures: FeedFailure[];
}

interface FeedLoaders {
  complaint: ComplaintLoader;
  listPage: ListPageLoader;
}

type Position = [number, number];

interface Buffered {
  complaint: Complaint;
  time: number;
  key: string;
  /** Window index and offset of this complaint itself. */
  at: Position;
}

function isAfterKeyset(after: FeedCursor | null, time: number, key: string): boolean {
  return after === null || time < after.t || (time === after.t && !after.k.includes(key));
}

/** The keyset after `item`: its time, and every key returned so far with that same time. */
function nextTies(previous: { t: number; k: string[] } | null, item: Buffered): string[] {
  return previous !== null && previous.t === item.time ? [...previous.k, item.key] : [item.key];
}

/**
 * Reads one merchant's complaints newest first across its date windows (newest window first), in
 * fixed, aligned upstream pages of the provider's maximum size, so that every page of every request
 * hits the same list-page cache entries and loader keys.
 */
class SourceReader {
  readonly id: string;
  private readonly windows: DateWindow[];
  private window: number;
  private offset: number;
  private readonly buffer: Buffered[] = [];
  failed = false;

  constructor(
    readonly source: FeedSource,
    range: DateWindow,
    start: Position,
    private readonly loaders: FeedLoaders,
    private readonly accept: (item: Buffered) => boolean,
  ) {
    this.id = merchantKeyToString(source.merchant);
    this.windows = splitDateRange(range, source.limits.maxWindowDays);
    [this.window, this.offset] = start;
  }

  get head(): Buffered | undefined {
    return this.buffer[0];
  }

  get needsFill(): boolean {
    return !this.failed && this.buffer.length === 0 && this.window < this.windows.length;
  }

  take(): void {
    this.buffer.shift();
  }

  /** Where the next page resumes: the first unconsumed complaint; everything before it was consumed or rejected. */
  get position(): Position {
    return this.buffer[0]?.at ?? [this.window, this.offset];
  }

  async fill(): Promise<void> {
    const size = this.source.limits.maxListPageSize;
    while (this.needsFill) {
      const window = this.windows[this.window] as DateWindow;
      const pageOffset = Math.floor(this.offset / size) * size;
      const page = await this.loaders.listPage.load({
        merchant: this.source.merchant,
        query: { from: window.from, to: window.to, limit: size, offset: pageOffset },
      });
      const count = page.complaints.length;
      for (let i = this.offset - pageOffset; i < count; i++) {
        const complaint = page.complaints[i] as Complaint;
        const item: Buffered = {
          complaint,
          time: Date.parse(complaint.complainedAt),
          key: complaintKeyToString(complaint.key),
          at: [this.window, pageOffset + i],
        };
        if (this.accept(item)) this.buffer.push(item);
      }
      const windowEnded = count < size || (page.totalCount !== null && pageOffset + count >= page.totalCount);
      if (windowEnded) {
        this.window += 1;
        this.offset = 0;
      } else {
        this.offset = pageOffset + count;
      }
    }
  }
}

/**
 * One merchant's complaints about one order, from the provider's own lookup: read once, kept only if
 * filed in the range and accepted (filters, keyset), newest first. Its cursor position stays [0, 0]:
 * the next page repeats the lookup and the keyset skips what was already returned.
 */
class LookupReader {
  readonly id: string;
  private readonly buffer: Buffered[] = [];
  private done = false;
  failed = false;

  constructor(
    readonly source: FeedSource,
    private readonly range: DateWindow,
    private readonly lookup: () => Promise<Complaint[]>,
    private readonly accept: (item: Buffered) => boolean,
  ) {
    this.id = merchantKeyToString(source.merchant);
  }

  get head(): Buffered | undefined {
    return this.buffer[0];
  }

  get needsFill(): boolean {
    return !this.failed && !this.done;
  }

  take(): void {
    this.buffer.shift();
  }

  get position(): Position {
    return [0, 0];
  }

  async fill(): Promise<void> {
    const found = await this.lookup();
    this.done = true;
    for (const complaint of found) {
      const time = Date.parse(complaint.complainedAt);
      const day = beijingToday(new Date(time));
      const item: Buffered = { complaint, time, key: complaintKeyToString(complaint.key), at: [0, 0] };
      // The lookup ignores dates: the range is applied here, as a scan would have.
      if (day >= this.range.from && day <= this.range.to && this.accept(item)) this.buffer.push(item);
    }
    this.buffer.sort((a, b) => (comesFirstNewestFirst(a, b) ? -1 : 1));
  }
}

type Reader = SourceReader | LookupReader;

function cursorAfter(query: FeedQuery, item: Buffered, ties: string[], positions: Record<string, Position>): string {
  return query.encodeCursor({ f: query.filterHash, r: [query.range.from, query.range.to], t: item.time, k: ties, p: positions });
}

async function readByComplaintId(loaders: FeedLoaders, query: FeedQuery, complaintId: string): Promise<FeedPage> {
  const failures: FeedFailure[] = [];
  const found: Buffered[] = [];
  await Promise.all(
    query.sources.map(async ({ merchant }) => {
      try {
        const complaint = await loaders.complaint.load({ ...merchant, complaintId });
        const time = Date.parse(complaint.complainedAt);
        const day = beijingToday(new Date(time));
        const item: Buffered = { complaint, time, key: complaintKeyToString(complaint.key), at: [0, 0] };
        if (day >= query.range.from && day <= query.range.to && query.matches(complaint) && isAfterKeyset(query.after, time, item.key)) {
          found.push(item);
        }
      } catch (error) {
        if (!(error instanceof NotFoundError)) failures.push({ merchant, error });
      }
    }),
  );
  found.sort((a, b) => (comesFirstNewestFirst(a, b) ? -1 : 1));
  let keyset: { t: number; k: string[] } | null = query.after;
  const edges = found.slice(0, query.first).map((item) => {
    keyset = { t: item.time, k: nextTies(keyset, item) };
    return { complaint: item.complaint, cursor: cursorAfter(query, item, keyset.k, {}) };
  });
  return { edges, hasNextPage: found.length > query.first, failures };
}

/**
 * One page of the merged newest-first feed over every source. Reads `first + 1` complaints to know
 * whether another page exists; a source that fails is reported and left out, the others still count.
 */
export async function readComplaintFeed(loaders: FeedLoaders, query: FeedQuery): Promise<FeedPage> {
  if (query.complaintId !== null) return readByComplaintId(loaders, query, query.complaintId);

  const accept = (item: Buffered): boolean => isAfterKeyset(query.after, item.time, item.key) && query.matches(item.complaint);
  const { outTradeNo } = query;
  const readers: Reader[] = query.sources.map((source) => {
    const lookup = source.findByOutTradeNo;
    if (outTradeNo !== null && lookup !== undefined) return new LookupReader(source, query.range, () => lookup(outTradeNo), accept);
    return new SourceReader(source, query.range, query.after?.p[merchantKeyToString(source.merchant)] ?? [0, 0], loaders, accept);
  });
  const failures: FeedFailure[] = [];
  const fill = async (reader: Reader): Promise<void> => {
    try {
      await reader.fill();
    } catch (error) {
      reader.failed = true;
      failures.push({ merchant: reader.source.merchant, error });
    }
  };

  const edges: FeedEdge[] = [];
  let keyset: { t: number; k: string[] } | null = query.after;
  let hasNextPage = false;
  for (;;) {
    await Promise.all(readers.filter((reader) => reader.needsFill).map(fill));
    let next: Reader | undefined;
    for (const reader of readers) {
      const head = reader.head;
      if (head !== undefined && (next?.head === undefined || comesFirstNewestFirst(head, next.head))) next = reader;
    }
    const item = next?.head;
    if (next === undefined || item === undefined) break;
    if (edges.length === query.first) {
      hasNextPage = true;
      break;
    }
    next.take();
    const positions: Record<string, Position> = {};
    for (const reader of readers) positions[reader.id] = reader.position;
    keyset = { t: item.time, k: nextTies(keyset, item) };
    edges.push({ complaint: item.complaint, cursor: cursorAfter(query, item, keyset.k, positions) });
  }
  return { edges, hasNextPage, failures };
}
