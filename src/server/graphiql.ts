import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphiQLOptions } from 'graphql-yoga';

/** One GraphiQL tab: an example operation from schema/operations. */
export interface GraphiQLTab {
  query: string;
  variables?: string;
}

export interface GraphiQLPageOptions {
  /** Where the page sends operations; default '/graphql'. */
  endpoint?: string;
  tabs: readonly GraphiQLTab[];
  title?: string;
  /** Request headers preloaded in every tab (sandbox mode: the demo admin token). */
  headers?: Record<string, string>;
  /**
   * False (real mode): GraphiQL never writes the headers editor (bearer tokens) to the browser's
   * storage, and hides its "persist headers" setting. Default true: GraphiQL's own default (not
   * persisted unless the user turns the setting on).
   */
  mayPersistHeaders?: boolean;
}

/** Ids of the running gateway's data that the examples' placeholder variables stand for. */
export interface ExampleIds {
  complaintId: string | null;
  merchantId: string | null;
}

/** The examples' placeholder values (`"paste a Complaint id ..."`) and which id replaces each. */
const PLACEHOLDERS: readonly { pattern: RegExp; id: keyof ExampleIds }[] = [
  { pattern: /^paste a Complaint id\b/, id: 'complaintId' },
  { pattern: /^paste a Merchant id\b/, id: 'merchantId' },
];

function fillValue(value: unknown, ids: ExampleIds): unknown {
  if (typeof value === 'string') {
    const placeholder = PLACEHOLDERS.find((candidate) => candidate.pattern.test(value));
    return placeholder === undefined ? value : (ids[placeholder.id] ?? value);
  }
  if (Array.isArray(value)) return value.map((item) => fillValue(item, ids));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillValue(item, ids)]));
  return value;
}

/** The tabs with their placeholder ids replaced by real ones (sandbox mode: the seeded data's), so they run as they stand. */
export function fillExampleIds(tabs: readonly GraphiQLTab[], ids: ExampleIds): GraphiQLTab[] {
  return tabs.map((tab) => (tab.variables === undefined ? tab : { ...tab, variables: JSON.stringify(fillValue(JSON.parse(tab.variables), ids)) }));
}

/** What the examples' ids are taken from: the newest complaints, with what their merchants support. */
export const EXAMPLE_IDS_QUERY = '{ complaints(first: 20) { edges { node { id merchant { id capabilities } } } } }';

/**
 * EXAMPLE_IDS_QUERY's answer (`body.data`) as ExampleIds: the newest complaint of a merchant that
 * supports the most actions (so the write examples can run too), and that merchant; missing parts
 * stay null (their placeholders stay).
 */
export function exampleIdsFrom(data: unknown): ExampleIds {
  const answer = (typeof data === 'object' && data !== null ? data : {}) as {
    complaints?: { edges?: { node?: { id?: unknown; merchant?: { id?: unknown; capabilities?: unknown } } }[] };
  };
  let best: ExampleIds = { complaintId: null, merchantId: null };
  let bestCapabilities = -1;
  for (const edge of answer.complaints?.edges ?? []) {
    const { id, merchant } = edge.node ?? {};
    const capabilities = Array.isArray(merchant?.capabilities) ? merchant.capabilities.length : 0;
    if (typeof id !== 'string' || typeof merchant?.id !== 'string' || capabilities <= bestCapabilities) continue;
    best = { complaintId: id, merchantId: merchant.id };
    bestCapabilities = capabilities;
  }
  return best;
}

/** The tabs a newcomer should see first (the active one is the first): read-only, no arguments. */
const LEADING_EXAMPLES = ['merchants.graphql', 'complaints.graphql'];

/**
 * The example operations as tabs: LEADING_EXAMPLES first, then the rest by file name. A leading
 * `# variables: {...}` comment line gives the tab's variables, so an example with required
 * arguments runs as it stands.
 */
export async function loadExampleTabs(directory: string): Promise<GraphiQLTab[]> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.graphql')).sort();
  } catch {
    return [];
  }
  const rank = (name: string): number => {
    const index = LEADING_EXAMPLES.indexOf(name);
    return index === -1 ? LEADING_EXAMPLES.length : index;
  };
  names.sort((a, b) => rank(a) - rank(b));
  const tabs: GraphiQLTab[] = [];
  for (const name of names) {
    const query = await readFile(join(directory, name), 'utf8');
    const variables = /^#\s*variables:\s*(\{.*\})\s*$/m.exec(query)?.[1];
    tabs.push(variables === undefined ? { query } : { query, variables });
  }
  return tabs;
}

/**
 * yoga's `graphiql` options: the example operations as tabs (they apply while the browser has no
 * tab state stored from an earlier visit).
 */
export function createGraphiQLOptions(options: GraphiQLPageOptions): GraphiQLOptions {
  const { endpoint = '/graphql', tabs, title = 'complaint-gateway', headers, mayPersistHeaders = true } = options;
  const headerText = headers === undefined ? null : JSON.stringify(headers, null, 2);
  const graphiql: GraphiQLOptions & { endpoint: string } = {
    endpoint,
    title,
    ...(headerText === null ? {} : { headers: headerText, defaultHeaders: headerText }),
    defaultEditorToolsVisibility: 'variables',
    ...(mayPersistHeaders ? {} : { shouldPersistHeaders: false }),
    // GraphiQL fails to start with an empty `defaultTabs`: leave both out when there are no examples.
    ...(tabs[0] === undefined
      ? {}
      : {
          defaultTabs: tabs.map((tab) => ({ query: tab.query, variables: tab.variables ?? null, headers: headerText })),
          defaultQuery: tabs[0].query,
        }),
  };
  return graphiql;
}

/**
 * GraphiQL's tabs are framer-motion reorderable items that keep a stale transform from their entry
 * animation (hundreds of pixels); GraphiQL's stylesheet pins it to none only for unfocused tabs. So
 * pressing a tab focused it, it jumped from under the pointer, the release landed on the tab bar and
 * the click was lost: each tab needed two. Pinned for every tab (dragging still reorders; the
 * dragged tab no longer follows the pointer).
 */
const TAB_STYLE = '<style>.graphiql-tab{transform:none!important}</style>';

/**
 * yoga's `renderGraphiQL`: the page with every asset inlined (script, styles, Monaco workers as
 * blob URLs) from @graphql-yoga/render-graphiql, because yoga's default page loads them from a CDN
 * and is blank offline. The package holds ~80 MB once loaded, so it is loaded on the first page
 * request (never, with GraphiQL off); the page is ~9 MB, so each distinct option set is rendered once.
 */
export function createOfflineGraphiQLRenderer(): (options: GraphiQLOptions) => Promise<string> {
  const pages = new Map<string, string>();
  return async (options) => {
    const key = JSON.stringify(options);
    let page = pages.get(key);
    if (page === undefined) {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      page = renderGraphiQL(options).replace('</head>', `${TAB_STYLE}</head>`);
      pages.set(key, page);
    }
    return page;
  };
}
