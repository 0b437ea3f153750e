import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
