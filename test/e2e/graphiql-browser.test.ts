import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_TOKEN } from '../../src/server/auth/demo-tokens.js';
import { EXAMPLE_IDS_QUERY, exampleIdsFrom } from '../../src/server/graphiql.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

// Debian's chromium (`apt-get install -y chromium`); playwright never downloads a browser here.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`graphiql-browser.test.ts: skipped: ${CHROMIUM} is missing (install Debian's chromium package)\n`);
}

// The machine has no internet: without these, chromium floods the log with refused connections.
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe.skipIf(!hasChromium)(`GraphiQL in headless chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let sandboxes: Sandboxes;
  let gateway: GatewayUnderTest;
  let browser: BrowserContext;
  let profile: string;
  const external: string[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    gateway = await startGateway(sandboxes);
    profile = await mkdtemp(join(tmpdir(), 'graphiql-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    // Anything not served by the gateway (a CDN asset) is refused and recorded.
    await browser.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(gateway.url) || url.startsWith('blob:') || url.startsWith('data:')) {
        await route.continue();
      } else {
        external.push(url);
        await route.abort();
      }
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await sandboxes?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it('loads with no internet, shows the example operations as tabs and runs the first', async () => {
    const page = await browser.newPage();
    await page.goto(gateway.graphqlUrl);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });

    const tabs = await page.locator('.graphiql-tab-button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('title')));
    expect(tabs.slice(0, 2)).toEqual(['Merchants', 'RecentComplaints']);

    // The first tab is active on load; run it once its operation is in the editor. (Switching tabs
    // first races GraphiQL's operation-name inference.)
    await expect.poll(async () => page.locator('.graphiql-tab-active .graphiql-tab-button').getAttribute('title'), { timeout: 10_000 }).toBe('Merchants');
    // Monaco renders spaces as no-break spaces.
    const editorText = async (): Promise<string> => ((await page.locator('.graphiql-query-editor').textContent()) ?? '').replace(/\s/g, ' ');
    await expect.poll(editorText, { timeout: 10_000 }).toContain('query Merchants');
    await page.locator('.graphiql-execute-button').click();

    const firstMerchant = gateway.app.registry.merchants[0];
    expect(firstMerchant).toBeDefined();
    const responseText = async (): Promise<string> => ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\s/g, ' ');
    await expect.poll(responseText, { timeout: 20_000 }).toContain(`"merchantNo": "${firstMerchant?.merchantNo}"`);
    const text = await responseText();
    expect(text).toContain(`"name": "${firstMerchant?.name}"`);
    expect(text).not.toContain('"errors"');
    expect(external).toEqual([]);
  }, 60_000);

  it('switches to each preloaded tab on its first click, with the seeded data in the example variables', async () => {
    // A first visit: no tab state left by the test above (GraphiQL adds an untitled tab to a stored state).
    for (const open of browser.pages()) await open.close();
    const page = await browser.newPage();
    await page.addInitScript(() => window.localStorage.clear());
    await page.goto(gateway.graphqlUrl);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    const active = async (): Promise<string | null> => page.locator('.graphiql-tab-active .graphiql-tab-button').getAttribute('title');
    await expect.poll(active, { timeout: 10_000 }).toBe('Merchants');
    const titles = await page.locator('.graphiql-tab-button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('title') ?? ''));
    expect(titles).toHaveLength(13);
    // Every tab once, each with one click (they used to need two: the first landed on the tab bar), then back to the first.
    for (const [index, title] of [...titles.entries()].slice(1).concat([[0, titles[0] ?? '']])) {
      await page.locator('.graphiql-tab-button').nth(index).click();
      await expect.poll(active, { timeout: 5_000 }).toBe(title);
    }

    // ComplaintDetail's `id` is a seeded complaint's (the one exampleIdsFrom picks), so it runs as it stands.
    const { complaintId } = exampleIdsFrom((await gateway.graphql(EXAMPLE_IDS_QUERY)).body.data);
    expect(complaintId).toEqual(expect.any(String));
    await page.locator('.graphiql-tab-button[title="ComplaintDetail"]').click();
    await expect.poll(active, { timeout: 5_000 }).toBe('ComplaintDetail');
    const variablesText = async (): Promise<string> => ((await page.locator('.graphiql-editor-tool').textContent()) ?? '').replace(/\s/g, '');
    await expect.poll(variablesText, { timeout: 5_000 }).toContain(`"id":"${complaintId}"`);
    // Run once the tab's operation is in the editor: before that GraphiQL still infers the previous
    // tab's operation name ("Cannot infer operation Merchants"), as in the test above.
    const editorText = async (): Promise<string> => ((await page.locator('.graphiql-query-editor').textContent()) ?? '').replace(/\s/g, ' ');
    await expect.poll(editorText, { timeout: 5_000 }).toContain('query ComplaintDetail');
    await page.locator('.graphiql-execute-button').click();
    // Without any whitespace: the response pane wraps long ids.
    const responseText = async (): Promise<string> => ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\s/g, '');
    await expect.poll(responseText, { timeout: 20_000 }).toContain(`"id":"${complaintId}"`);
    expect(await responseText()).not.toContain('"errors"');
  }, 60_000);
});

describe.skipIf(!hasChromium)(`GraphiQL turned on in real mode (skipped when ${CHROMIUM} is missing)`, () => {
  let sandboxes: Sandboxes;
  let gateway: GatewayUnderTest;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    gateway = await startGateway(sandboxes, { configSource: 'file', config: { server: { graphiql: true } } });
    profile = await mkdtemp(join(tmpdir(), 'graphiql-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await sandboxes?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it('never writes the headers (the bearer token) to the browser storage', async () => {
    const page = await browser.newPage();
    await page.goto(gateway.graphqlUrl);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    const token = `Bearer ${SANDBOX_ADMIN_TOKEN}`;
    await page.getByRole('button', { name: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
    await page.keyboard.type(`{"Authorization": "${token}"`);
    const editorsText = async (): Promise<string> => ((await page.locator('.graphiql-editor-tool').textContent()) ?? '').replace(/\s/g, ' ');
    await expect.poll(editorsText, { timeout: 5_000 }).toContain(SANDBOX_ADMIN_TOKEN);
    // The token works: the first example runs with it.
    await page.locator('.graphiql-execute-button').click();
    const responseText = async (): Promise<string> => ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\s/g, ' ');
    await expect.poll(responseText, { timeout: 20_000 }).toContain('"merchantNo"');
    // Switching tabs stores the tab state (debounced): once it names the new active tab, it was written after the header was typed.
    await page.locator('.graphiql-tab-button').nth(1).click();
    const stored = async (): Promise<string> => page.evaluate(() => JSON.stringify({ ...window.localStorage }));
    await expect.poll(stored, { timeout: 10_000 }).toContain('\\"activeTabIndex\\":1');
    expect(await stored()).not.toContain(SANDBOX_ADMIN_TOKEN);
  }, 60_000);
});
