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
  const { endpoint = '/graphql', tabs, title = 'complaint-gateway', headers } = options;
  const headerText = headers === undefined ? null : JSON.stringify(headers, null, 2);
  const graphiql: GraphiQLOptions & { endpoint: string } = {
    endpoint,
    title,
    ...(headerText === null ? {} : { headers: headerText, defaultHeaders: headerText }),
    defaultEditorToolsVisibility: 'variables',
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
      page = renderGraphiQL(options);
      pages.set(key, page);
    }
    return page;
  };
}
