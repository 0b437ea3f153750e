import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { CacheStore } from '../cache/store.js';

/** One upstream whose reachability /readyz reports, by a public name (never its URL). */
export interface Upstream {
  name: string;
  baseUrl: string;
}

export interface ReadinessOptions {
  cache: CacheStore;
  upstreams: readonly Upstream[];
  /** Per check; default 2000. */
  timeoutMs?: number;
}

export type CheckState = 'ok' | 'failing';

export interface ReadinessReport {
  ready: boolean;
  checks: { cache: CheckState; providers: Record<string, CheckState> };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error('check failed'));
      },
    );
  });
}

/**
 * Reachability only: any HTTP answer counts (the provider answers an unsigned request with 4xx),
 * so the probe costs no quota and carries no credentials.
 */
function probe(baseUrl: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const url = new URL(baseUrl);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'HEAD', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve();
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end();
  });
}

/**
 * /readyz: the cache store must answer a round trip; each provider must be reachable. Not ready
 * only when the cache fails or no provider is reachable: one provider down still leaves the others
 * served (the GraphQL answer names the failing provider), and taking every instance out of
 * rotation would not bring it back. The report holds states only, never URLs or error messages.
 */
export function createReadinessCheck(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const { cache, upstreams, timeoutMs = 2_000 } = options;
  return async () => {
    const [cacheResult, ...upstreamResults] = await Promise.allSettled([
      withTimeout(cache.check(), timeoutMs),
      ...upstreams.map((upstream) => probe(upstream.baseUrl, timeoutMs)),
    ]);
    const providers: Record<string, CheckState> = {};
    upstreams.forEach((upstream, index) => {
      const failed = upstreamResults[index]?.status !== 'fulfilled';
      // Several accounts of one provider: the provider is ok when any of them is reachable.
      if (providers[upstream.name] !== 'ok') providers[upstream.name] = failed ? 'failing' : 'ok';
    });
    const cacheState: CheckState = cacheResult?.status === 'fulfilled' ? 'ok' : 'failing';
    const anyProvider = upstreams.length === 0 || Object.values(providers).includes('ok');
    return { ready: cacheState === 'ok' && anyProvider, checks: { cache: cacheState, providers } };
  };
}

/** `/readyz` as a yoga plugin: 200 when ready, else 503; the body lists check states only. */
export function useReadyz<TContext extends object>(check: () => Promise<ReadinessReport>): Plugin<TContext> {
  // Only the request hooks: yoga's plugin is typed for the empty context.
  const { onYogaInit, onRequest } = useReadinessCheck({
    endpoint: '/readyz',
    check: async ({ fetchAPI }) => {
      // Our own Response: a thrown error's message would reach the body.
      const report = await check().catch((): ReadinessReport => ({ ready: false, checks: { cache: 'failing', providers: {} } }));
      return new fetchAPI.Response(JSON.stringify({ status: report.ready ? 'ready' : 'not ready', checks: report.checks }), {
        status: report.ready ? 200 : 503,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
  });
  return { ...(onYogaInit === undefined ? {} : { onYogaInit }), ...(onRequest === undefined ? {} : { onRequest }) };
}
