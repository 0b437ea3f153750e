/**
 * The gateway's own cost (issues 4 and 14): every figure a ratio to a peer measured in the same run.
 *
 * Method: the gateway runs from the compiled build (`node dist/main.js`, built first if src/ is
 * newer) in real mode (a config file made from the sandboxes' keys; memory cache, response cache
 * on, GraphiQL off) in a child process, so its RSS is its own; the sandboxes run in this process.
 * Two peers run in children of their own: plain yoga answering `{ hello }` (the framework's naive
 * ceiling) and a hand-written node:http + wechatpay-axios-plugin handler calling the same WeChat Pay
 * sandbox (bench/peer-handler-server.ts). The load comes from autocannon in this process, over
 * HTTP on 127.0.0.1; the machine's 2 cores are shared by the load generator and the servers.
 * (1) complaint(id) through GraphQL vs `GET /complaint?id=` on the peer, both uncached (each call a
 * complaint nobody read before), sequential, alternating, median of each after a few uncounted
 * reads; once against the sandbox as it is (~3 ms an upstream call) and once with 50 ms of injected
 * upstream latency, nearer a real provider. (2) a warm-cache page of 50 complaints with the fields
 * a console shows, as sandbox-admin, 50 connections for LOAD s after WARMUP s of warm-up. (3) `{ hello }` on plain yoga
 * and (3b) the peer's cached page (`GET /page`), the same load. (4) the gateway's peak RSS (VmHWM)
 * after (2). (5) upstream calls, counted at the sandbox, of complaint reads with history and media
 * and of a download of one of their images: the ownership checks must reuse the detail the read
 * fetched (one detail call per complaint).
 * Shorter runs (a smoke test, not figures): BENCH_LOAD_SECONDS (default 8), BENCH_WARMUP_SECONDS
 * (default 2), BENCH_DETAIL_CALLS (default 25).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { ConfigFileInput } from '../src/config/gateway-config.js';
import { configFromSandboxKeys } from '../src/sandbox/sandbox-config.js';
import { addDays, beijingToday } from '../src/domain/local-date.js';
import type { ComplaintProvider } from '../src/providers/provider.js';
import { createWechatPayAccount } from '../src/providers/wechatpay/account.js';
import { complaintGlobalId } from '../src/schema/global-id.js';
import type { WechatPaySandboxKeys } from '../src/sandbox/sandbox-keys.js';
import { SANDBOX_ADMIN_TOKEN } from '../src/server/auth/demo-tokens.js';
import { DIST_MAIN, ensureBuilt, START_NODE_FLAGS } from '../test/helpers/build.js';
import { startSandboxes } from '../test/helpers/start-sandboxes.js';
import { wechatPayAccountsFromKeys } from '../test/helpers/wechatpay-account.js';
import type { PeerAccount, PeerConfig } from './peer-handler-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` };
const TARGETS = { ratio: 1.1, versusPlainYoga: 1.0, p99Ms: 25, rssMb: 150 };
const DETAIL_CALLS = Number(process.env['BENCH_DETAIL_CALLS'] ?? 25);
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 8);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);
const OWNERSHIP_READS = 10;
/** Uncounted reads on each side before (1)'s first figure. */
const DETAIL_WARMUP = 3;
/** Node flags for the gateway's process after `npm start`'s own (later ones win), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` or `--max-semi-space-size=4` (space-separated). */
const GATEWAY_NODE_ARGS = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '');

interface Child {
  process: ChildProcess;
  lines: string[];
  stop(): Promise<void>;
}

/** A server in its own node process, started as `node ...args` (so the PID is the server's). */
async function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n'));
      if (lines.some((line) => ready.test(line))) resolve();
    });
  });
  return {
    process: child,
    lines,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function urlFrom(lines: readonly string[], pattern: RegExp): string {
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match?.[1] !== undefined) return match[1];
  }
  throw new Error(`no line matches ${pattern}`);
}

/** VmHWM: the peak resident set so far; VmRSS: now. */
async function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: unknown; errors?: unknown[] }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

/**
 * (1): medians of the two paths over complaints nobody has read, alternating so drift hits both.
 * The first `warmUp` pairs are not counted: a process that just started runs cold code.
 */
async function detailRatio(
  gatewayUrl: string,
  peerUrl: string,
  merchant: ComplaintProvider['merchant'],
  ids: string[],
  warmUp = 0,
): Promise<{ graphqlMs: number; peerMs: number }> {
  const viaGraphql: number[] = [];
  const viaPeer: number[] = [];
  for (let i = 0; i + 1 < ids.length; i += 2) {
    if (i === 2 * warmUp) {
      viaGraphql.length = 0;
      viaPeer.length = 0;
    }
    const [forGraphql, forPeer] = [ids[i] as string, ids[i + 1] as string];
    let started = performance.now();
    const answer = await graphql(gatewayUrl, 'query($id: ID!) { complaint(id: $id) { id state detail } }', {
      id: complaintGlobalId({ ...merchant, complaintId: forGraphql }),
    });
    viaGraphql.push(performance.now() - started);
    if (answer.errors !== undefined) throw new Error(`complaint(id) failed: ${JSON.stringify(answer.errors)}`);
    started = performance.now();
    const peer = await fetch(`${peerUrl}/complaint?id=${encodeURIComponent(forPeer)}`);
    await peer.arrayBuffer();
    viaPeer.push(performance.now() - started);
    if (!peer.ok) throw new Error(`the peer's /complaint answered ${peer.status}`);
  }
  return { graphqlMs: median(viaGraphql), peerMs: median(viaPeer) };
}

/** The peer's settings: each calling merchant's credentials, as its own code would hold them. */
function peerConfig(keys: WechatPaySandboxKeys, beginDate: string, endDate: string): PeerConfig {
  const accounts = new Map<string, PeerAccount>();
  for (const merchant of keys.merchants) {
    const caller = merchant.spMchid ?? merchant.mchid;
    if (!accounts.has(caller)) accounts.set(caller, { mchid: caller, serial: merchant.serialNo, privateKeyPem: merchant.privateKeyPem });
  }
  const certs = Object.fromEntries([
    [keys.platformPublicKeyId, keys.platformPublicKeyPem],
    ...keys.platformCertificates.map((certificate) => [certificate.serialNo, certificate.certificatePem]),
  ]);
  const merchantNames = Object.fromEntries(keys.merchants.map((merchant) => [merchant.mchid, merchant.name]));
  return { baseUrl: keys.baseUrl, certs, accounts: [...accounts.values()], merchantNames, beginDate, endDate };
}

/** (5): what the reads cost upstream, from the sandbox's own counters. */
async function ownershipCalls(
  gatewayUrl: string,
  sandboxUrl: string,
  direct: ComplaintProvider,
  ids: string[],
): Promise<{ reads: number; detail: number; history: number; detailForMedia: number }> {
  const stats = async (): Promise<Record<string, number>> => (await (await fetch(`${sandboxUrl}/sandbox/stats`)).json()) as Record<string, number>;
  const before = await stats();
  let mediaUrl: string | undefined;
  for (const complaintId of ids) {
    const answer = await graphql(
      gatewayUrl,
      'query($id: ID!) { complaint(id: $id) { id negotiationHistory(first: 5) { edges { node { logId } } } media { urls } } }',
      {
        id: complaintGlobalId({ ...direct.merchant, complaintId }),
      },
    );
    if (answer.errors !== undefined) throw new Error(`complaint(id) failed: ${JSON.stringify(answer.errors)}`);
    mediaUrl ??= (answer.data as { complaint: { media: { urls: string[] }[] } }).complaint.media[0]?.urls[0];
  }
  const read = await stats();
  if (mediaUrl !== undefined) {
    const image = await fetch(new URL(mediaUrl, gatewayUrl));
    if (!image.ok) throw new Error(`media download failed: ${image.status}`);
    await image.arrayBuffer();
  }
  const after = await stats();
  const delta = (to: Record<string, number>, from: Record<string, number>, name: string): number => (to[name] ?? 0) - (from[name] ?? 0);
  return {
    reads: ids.length,
    detail: delta(read, before, 'getComplaint'),
    history: delta(read, before, 'getNegotiationHistory'),
    detailForMedia: delta(after, read, 'getComplaint'),
  };
}

async function load(url: string, request: { method: 'GET' } | { method: 'POST'; body: string }): Promise<autocannon.Result> {
  const options = { url, ...request, headers: HEADERS, connections: 50 };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  return autocannon({ ...options, duration: LOAD_SECONDS });
}

export async function runGatewayBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  // The gateway in real mode (a config file), so its RSS is its own: the sandboxes live here.
  const sandboxes = await startSandboxes({ enforceRateLimits: false });
  const keys = sandboxes.keys;
  const configFile = join(dir, 'gateway.json');
  const fromKeys = configFromSandboxKeys(keys);
  // Figures of the gateway's own speed, not of its provider budgets (28 details per 10 s): lifted here.
  const unlimited = { limits: { list: 100_000, history: 100_000, media: 100_000 } };
  const config: ConfigFileInput = {
    ...fromKeys,
    providers: { ...fromKeys.providers, wechatpay: fromKeys.providers.wechatpay.map((account) => ({ ...account, ...unlimited })) },
    server: { port: 0, graphiql: false },
    eventLog: { store: 'sqlite', path: join(dir, 'events.sqlite') },
  };
  await writeFile(configFile, JSON.stringify(config));
  if (keys.wechatpay === undefined) throw new Error('no WeChat Pay sandbox keys');
  const today = beijingToday(new Date());
  const pageFrom = addDays(today, -29);
  const peerConfigFile = join(dir, 'peer.json');
  await writeFile(peerConfigFile, JSON.stringify(peerConfig(keys.wechatpay, pageFrom, today)));
  const children: Child[] = [];
  try {
    await ensureBuilt();
    const gateway = await startChild([...START_NODE_FLAGS, ...GATEWAY_NODE_ARGS, DIST_MAIN, '--config', configFile], { LOG_LEVEL: 'warn' }, /listening on/);
    children.push(gateway);
    const plain = await startChild(['--import', 'tsx', 'bench/plain-yoga-server.ts'], {}, /listening on/);
    children.push(plain);
    const peer = await startChild(['--import', 'tsx', 'bench/peer-handler-server.ts'], { PEER_CONFIG: peerConfigFile }, /listening on/);
    children.push(peer);
    const gatewayUrl = urlFrom(gateway.lines, /listening on (http:\/\/\S+)/);
    const peerUrl = urlFrom(peer.lines, /listening on (http:\/\/\S+)/);
    const wechatSandbox = sandboxes.wechatpay.baseUrl;
    const startedRss = await rssMb(gateway.process.pid as number, 'VmRSS');
    const accountOptions = wechatPayAccountsFromKeys(keys.wechatpay)[0];
    if (accountOptions === undefined) throw new Error('no WeChat Pay account');
    const direct = createWechatPayAccount({ ...accountOptions, ...unlimited }).providers[0] as ComplaintProvider;
    const ids: string[] = [];
    const needed = 4 * DETAIL_CALLS + 2 * DETAIL_WARMUP;
    for (let days = 0; days < 120 && ids.length < needed; days += 30) {
      for (let offset = 0; ; offset += 50) {
        const page = await direct.listComplaints({ from: addDays(today, -days - 29), to: addDays(today, -days), limit: 50, offset });
        ids.push(...page.complaints.map((complaint) => complaint.key.complaintId));
        if (page.complaints.length < 50) break;
      }
    }
    if (ids.length < needed) throw new Error(`only ${ids.length} complaints to read`);

    const warmAndLocal = 2 * (DETAIL_CALLS + DETAIL_WARMUP);
    const local = await detailRatio(gatewayUrl, peerUrl, direct.merchant, ids.slice(0, warmAndLocal), DETAIL_WARMUP);
    const fault = await fetch(`${wechatSandbox}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', ms: 50, endpoint: 'getComplaint', durationMs: 120_000 }),
    });
    if (!fault.ok) throw new Error(`latency fault refused: ${fault.status}`);
    const remote = await detailRatio(gatewayUrl, peerUrl, direct.merchant, ids.slice(warmAndLocal, warmAndLocal + 2 * DETAIL_CALLS));
    await fetch(`${wechatSandbox}/sandbox/reset`, { method: 'POST' });

    // Another merchant's complaints: none of them was read yet.
    const otherOptions = wechatPayAccountsFromKeys(keys.wechatpay)[1];
    if (otherOptions === undefined) throw new Error('no second WeChat Pay account');
    const other = createWechatPayAccount(otherOptions).providers[0] as ComplaintProvider;
    const otherPage = await other.listComplaints({ from: addDays(today, -29), to: today, limit: OWNERSHIP_READS, offset: 0 });
    const ownership = await ownershipCalls(
      gatewayUrl,
      wechatSandbox,
      other,
      otherPage.complaints.map((complaint) => complaint.key.complaintId),
    );

    const page = JSON.stringify({
      query: `query($filter: ComplaintFilterInput) { complaints(first: 50, filter: $filter) { edges { node { id provider complaintId state complainedAt detail problemType userComplaintTimes incomingUserResponse applyRefundAmount orders { outTradeNo amount } merchant { name } } } pageInfo { endCursor hasNextPage } } }`,
      variables: { filter: { from: pageFrom, to: today } },
    });
    const warm = await graphql(gatewayUrl, JSON.parse(page).query as string, JSON.parse(page).variables as Record<string, unknown>);
    const edges = (warm.data as { complaints?: { edges: unknown[] } } | undefined)?.complaints?.edges.length ?? 0;
    if (warm.errors !== undefined || edges !== 50) throw new Error(`the 50-complaint page did not come back: ${JSON.stringify(warm).slice(0, 300)}`);
    const peerPage = await fetch(`${peerUrl}/page`);
    const peerBody = await peerPage.text();
    const peerEdges = peerPage.ok ? (JSON.parse(peerBody) as { complaints: unknown[] }).complaints.length : 0;
    if (peerEdges !== 50) throw new Error(`the peer's page answered ${peerPage.status} with ${peerEdges} complaints`);
    const cached = await load(`${gatewayUrl}/graphql`, { method: 'POST', body: page });
    const rss = await rssMb(gateway.process.pid as number, 'VmHWM');
    const hello = await load(`${urlFrom(plain.lines, /listening on (http:\/\/\S+)/)}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: '{ hello }' }),
    });
    const peerCached = await load(`${peerUrl}/page`, { method: 'GET' });
    const peerRss = await rssMb(peer.process.pid as number, 'VmHWM');

    const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
    const ratioLocal = local.graphqlMs / local.peerMs;
    const ratioRemote = remote.graphqlMs / remote.peerMs;
    const versus = cached.requests.average / hello.requests.average;
    const versusPeer = cached.requests.average / peerCached.requests.average;
    const targets: [string, boolean][] = [
      [`(1) ratio, sandbox as is ≤ ${TARGETS.ratio}`, ratioLocal <= TARGETS.ratio],
      [`(1) ratio, +50 ms upstream ≤ ${TARGETS.ratio}`, ratioRemote <= TARGETS.ratio],
      [`(2) p99 ≤ ${TARGETS.p99Ms} ms`, cached.latency.p99 <= TARGETS.p99Ms],
      [`(2)/(3) ≥ ${TARGETS.versusPlainYoga}`, versus >= TARGETS.versusPlainYoga],
      [`(4) peak RSS ≤ ${TARGETS.rssMb} MB`, rss <= TARGETS.rssMb],
    ];
    const short = LOAD_SECONDS !== 8 || WARMUP_SECONDS !== 2 || DETAIL_CALLS !== 25;
    console.log(`## Gateway (compiled build)${short ? ' — SHORTENED RUN (BENCH_* settings): a smoke test, not figures' : ''}`);
    console.log(`(1) complaint(id) uncached, median of ${DETAIL_CALLS} each, sequential, gateway vs hand-written peer:`);
    console.log(
      `    sandbox as is:         GraphQL ${local.graphqlMs.toFixed(2)} ms vs peer ${local.peerMs.toFixed(2)} ms: ratio ${ratioLocal.toFixed(2)} (target ≤ ${TARGETS.ratio}: ${verdict(ratioLocal <= TARGETS.ratio)})`,
    );
    console.log(
      `    +50 ms upstream:       GraphQL ${remote.graphqlMs.toFixed(2)} ms vs peer ${remote.peerMs.toFixed(2)} ms: ratio ${ratioRemote.toFixed(2)} (target ≤ ${TARGETS.ratio}: ${verdict(ratioRemote <= TARGETS.ratio)})`,
    );
    console.log(
      `(2) warm 50-complaint page, 50 connections, ${LOAD_SECONDS} s: ${Math.round(cached.requests.average)} req/s, p50 ${cached.latency.p50} ms, p99 ${cached.latency.p99} ms (p99 target ≤ ${TARGETS.p99Ms} ms: ${verdict(cached.latency.p99 <= TARGETS.p99Ms)}), errors ${cached.errors + cached.non2xx}`,
    );
    console.log(`(3) plain yoga { hello }, same load: ${Math.round(hello.requests.average)} req/s, p50 ${hello.latency.p50} ms, p99 ${hello.latency.p99} ms`);
    console.log(`    (2)/(3) = ${versus.toFixed(2)} (target ≥ ${TARGETS.versusPlainYoga}: ${verdict(versus >= TARGETS.versusPlainYoga)})`);
    console.log(
      `(3b) peer's cached page, same load: ${Math.round(peerCached.requests.average)} req/s, p50 ${peerCached.latency.p50} ms, p99 ${peerCached.latency.p99} ms, errors ${peerCached.errors + peerCached.non2xx}, peak RSS ${peerRss.toFixed(0)} MB (tsx loader)`,
    );
    const kb = (text: string): string => (Buffer.byteLength(text) / 1024).toFixed(1);
    console.log(`    (2)/(3b) = ${versusPeer.toFixed(2)} (no target); page bodies: gateway ${kb(JSON.stringify(warm))} KB, peer ${kb(peerBody)} KB`);
    console.log(
      `(4) gateway peak RSS (VmHWM, real mode, compiled build): ${rss.toFixed(0)} MB, ${startedRss.toFixed(0)} MB idle after start ` +
        `(target ≤ ${TARGETS.rssMb} MB: ${verdict(rss <= TARGETS.rssMb)})`,
    );
    const oneDetailEach = ownership.reads > 0 && ownership.detail === ownership.reads && ownership.detailForMedia === 0;
    console.log(
      `(5) ${ownership.reads} uncached complaint(id) reads with history and media: ${ownership.detail} detail, ${ownership.history} history calls upstream; ` +
        `then one image through /media/: ${ownership.detailForMedia} more detail calls (target: one detail per complaint, none for the ownership checks: ${verdict(oneDetailEach)})`,
    );
    targets.push(['(5) one detail call per complaint', oneDetailEach]);
    const missed = targets.filter(([, isMet]) => !isMet).map(([name]) => name);
    console.log(`Targets met: ${targets.length - missed.length} of ${targets.length}${missed.length === 0 ? '' : `; missed: ${missed.join('; ')}`}`);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await sandboxes.close();
    await rm(dir, { recursive: true, force: true });
  }
}
