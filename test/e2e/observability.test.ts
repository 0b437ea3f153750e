import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingToday } from '../../src/domain/local-date.js';
import { startGateway, type GatewayUnderTest } from '../helpers/start-gateway.js';
import { startSandboxes, type Sandboxes } from '../helpers/start-sandboxes.js';

/*
 * What an operator sees: Prometheus /metrics (scraped and parsed), one access-log line per GraphQL
 * request at info, and x-request-id on every answer and every log line of its request.
 */

const PAGE = `query ObservedPage($first: Int, $filter: ComplaintFilterInput) {
  complaints(first: $first, filter: $filter) { edges { node { id complaintId state } } }
}`;

const today = beijingToday(new Date());

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, as a scraper reads it. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

function sumOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

describe('operations: metrics, access log, request ids', () => {
  let sandboxes: Sandboxes;
  let gateway: GatewayUnderTest;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false });
    gateway = await startGateway(sandboxes, {
      logLevel: 'info',
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandboxes?.close();
  });

  it('serves /metrics in sandbox mode with the gateway’s series and the process defaults, and bounded labels', async () => {
    for (let i = 0; i < 2; i++) expect((await gateway.graphql(PAGE, { first: 5 })).body.errors).toBeUndefined();
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const samples = parseMetrics(text);

    // Counted when the answer is written out, which may end just after the client has read it.
    await expect
      .poll(async () =>
        sumOf(parseMetrics(await (await fetch(`${gateway.url}/metrics`)).text()), 'complaint_gateway_graphql_requests_total', { operation: 'ObservedPage' }),
      )
      .toBe(2);
    expect(sumOf(samples, 'complaint_gateway_graphql_requests_total', { operation: 'ObservedPage', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'complaint_gateway_graphql_request_duration_seconds_count', { operation: 'ObservedPage' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'complaint_gateway_cache_lookups_total', { layer: 'response', result: 'hit' })).toBe(1);
    expect(sumOf(samples, 'complaint_gateway_cache_lookups_total', { layer: 'response', result: 'miss' })).toBe(1);
    expect(sumOf(samples, 'complaint_gateway_cache_lookups_total', { layer: 'data' })).toBeGreaterThan(0);
    expect(sumOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // The first page called the providers; their endpoint names are the labels, never URLs.
    expect(sumOf(samples, 'complaint_gateway_upstream_requests_total', { provider: 'WECHAT_PAY', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sumOf(samples, 'complaint_gateway_upstream_request_duration_seconds_count', { provider: 'WECHAT_PAY' })).toBeGreaterThan(0);
    const endpoints = new Set(
      samples.filter((sample) => sample.name === 'complaint_gateway_upstream_requests_total').map((sample) => sample.labels['endpoint']),
    );
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^[A-Za-z_]+$/);
    // Each calling account's budget, by endpoint group: what is left of the window.
    const quota = samples.filter((sample) => sample.name === 'complaint_gateway_quota_remaining');
    expect(quota.length).toBeGreaterThan(0);
    for (const sample of quota) {
      expect(sample.labels['account']).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(sample.value).toBeGreaterThanOrEqual(0);
    }
    // No complaint id, query text or token among the labels.
    const complaintIds = (
      await gateway.graphql<{ complaints: { edges: { node: { complaintId: string } }[] } }>(PAGE, { first: 5 })
    ).body.data?.complaints.edges.map((edge) => edge.node.complaintId);
    for (const id of complaintIds ?? []) expect(text).not.toContain(id);
    expect(text).not.toContain('complaints(first');
    expect(text).not.toContain('sandbox-admin');
  });

  it('counts operation names up to a bound, then as "other"', async () => {
    for (let i = 0; i < 105; i++) await gateway.graphql(`query Name${i} { merchants { merchantNo } }`);
    const samples = parseMetrics(await (await fetch(`${gateway.url}/metrics`)).text());
    const operations = new Set(
      samples.filter((sample) => sample.name === 'complaint_gateway_graphql_requests_total').map((sample) => sample.labels['operation']),
    );
    // 100 names, plus `other` and `anonymous`.
    expect(operations.size).toBeLessThanOrEqual(102);
    expect(sumOf(samples, 'complaint_gateway_graphql_requests_total', { operation: 'other' })).toBeGreaterThan(0);
  });

  it('writes one info line per GraphQL request, with its request id and no token, variables or PII', async () => {
    lines.length = 0;
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-admin', 'x-request-id': 'trace-abc.123' },
      body: JSON.stringify({ query: PAGE, variables: { first: 3, filter: { from: addDays(today, -40), to: addDays(today, -31) } } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-abc.123');
    await response.text();
    await expect.poll(() => lines.filter((line) => line['msg'] === 'graphql request').length).toBe(1);
    const line = lines.find((candidate) => candidate['msg'] === 'graphql request');
    expect(line).toMatchObject({ level: 30, reqId: 'trace-abc.123', operation: 'ObservedPage', tokenName: 'demo-admin', status: 200, outcome: 'ok' });
    expect(typeof line?.['ms']).toBe('number');
    // A page not asked before: the providers were called, and the line counts those calls.
    expect(line?.['upstreamCalls']).toBeGreaterThan(0);
    expect(['hit', 'miss']).toContain(line?.['responseCache']);
    const all = JSON.stringify(lines);
    expect(all).not.toContain('Bearer');
    expect(all).not.toContain('"first"');
  });

  it('gives a request without a usable id a fresh one, on every route', async () => {
    const bad = await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'has spaces and\ttabs' } });
    const id = bad.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const other = await fetch(`${gateway.url}/no-such-route`);
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.headers.get('x-request-id')).not.toBe(id);
  });
});

describe('/metrics with a config file', () => {
  let sandboxes: Sandboxes;
  const gateways: GatewayUnderTest[] = [];
  beforeAll(async () => {
    sandboxes = await startSandboxes({ enforceRateLimits: false });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await sandboxes?.close();
  });

  it('is off by default, and on with its own bearer token when configured', async () => {
    const off = await startGateway(sandboxes, { configSource: 'file' });
    gateways.push(off);
    expect((await fetch(`${off.url}/metrics`)).status).toBe(404);

    const on = await startGateway(sandboxes, { configSource: 'file', config: { server: { metrics: { enabled: true, token: 'scrape-secret-0123456789' } } } });
    gateways.push(on);
    const anonymous = await fetch(`${on.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('complaint_gateway');
    expect((await fetch(`${on.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const scraped = await fetch(`${on.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-0123456789' } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('complaint_gateway_graphql_requests_total');
  });
});
