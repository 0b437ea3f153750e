import type { Merchant } from './merchant.js';

/** One webhook route, `/webhooks/<slug>/<account>` (server/http.ts): the provider module's slug and the account's name. */
export interface WebhookRoute {
  slug: string;
  account: string;
}

/** Where this gateway hears notifications: the only URLs it registers at a provider. */
export interface WebhookEndpoints {
  /** The gateway's public URL as providers reach it (config `server.publicBaseUrl`); null: not configured. */
  publicBaseUrl: string | null;
  /**
   * The webhook of the merchant's provider account (its `account` is the config's `account`: for
   * WeChat Pay the calling mchid unless set); undefined: no webhook of this gateway hears it.
   */
  routeOf: (merchant: Merchant) => WebhookRoute | undefined;
}

/** localhost, 127.0.0.0/8 and ::1: only these may be reached over plain http (sandbox mode, tests). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** What is wrong with a public base URL, or null when it is usable. */
export function publicBaseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'must be https (http only for a loopback host: sandbox mode, tests)';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or a fragment';
  return null;
}

/** `<publicBaseUrl>/webhooks/<slug>/<account>`, the base's own path kept (a gateway behind a path prefix). */
export function webhookUrl(publicBaseUrl: string, route: WebhookRoute): string {
  const base = new URL(publicBaseUrl);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/webhooks/${route.slug}/${encodeURIComponent(route.account)}`;
  return base.href;
}
