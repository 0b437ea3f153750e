/**
 * Cold start and memory of the compiled build against the TypeScript loader (issue 12, point 6).
 *
 * Method: the gateway in real mode (a config file made from the sandboxes' keys, which run in this
 * process; memory cache, GraphiQL off) started RUNS times each way, alternating: `node dist/main.js`
 * (what `npm start` runs now) and `tsx src/main.ts` (what it ran before: the tsx CLI, which starts
 * node again with its loader). Cold start: from spawn to the "listening on" line. RSS (VmRSS from
 * /proc) once listening and after one `{ merchants }` query; for tsx, of the gateway process and of
 * the whole tree (the CLI's own process included). Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ConfigFileInput } from '../src/config/gateway-config.js';
import { configFromSandboxKeys } from '../src/sandbox/sandbox-config.js';
import { SANDBOX_ADMIN_TOKEN } from '../src/server/auth/demo-tokens.js';
import { childProcesses } from '../test/helpers/processes.js';
import { startSandboxes } from '../test/helpers/start-sandboxes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;

interface Sample {
  startMs: number;
  /** The gateway process: listening, then after one query. */
  rssMb: number;
  rssAfterQueryMb: number;
  /** Every process of the way it was started (tsx: the CLI and the gateway). */
  treeRssMb: number;
}

const WAYS = {
  compiled: ['dist/main.js'],
  tsx: [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/main.ts'],
} as const;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function startOnce(args: readonly string[], configFile: string): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, [...args, '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
    });
    const startMs = performance.now() - started;
    const parent = child.pid as number;
    // tsx's CLI runs the gateway in a child node process: that one is the server.
    const [server = parent] = args[0] === 'dist/main.js' ? [parent] : (await childProcesses(parent)).map((entry) => entry.pid);
    const pids = [parent, ...(server === parent ? [] : [server])];
    const rss = await rssMb(server);
    const treeRss = (await Promise.all(pids.map(rssMb))).reduce((sum, value) => sum + value, 0);
    const answer = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: '{ merchants { merchantNo } }' }),
    });
    if (answer.status !== 200) throw new Error(`{ merchants } answered ${answer.status}`);
    await answer.arrayBuffer();
    return { startMs, rssMb: rss, rssAfterQueryMb: await rssMb(server), treeRssMb: treeRss };
  } finally {
    child.removeAllListeners('exit');
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }
    });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runColdStartBench(): Promise<void> {
  await access(join(ROOT, 'dist', 'main.js')).catch(() => {
    throw new Error('dist/main.js is missing: run `npm run build` first');
  });
  const dir = await mkdtemp(join(tmpdir(), 'cold-start-bench-'));
  const sandboxes = await startSandboxes({ enforceRateLimits: false });
  try {
    const configFile = join(dir, 'gateway.json');
    const config: ConfigFileInput = {
      ...configFromSandboxKeys(sandboxes.keys),
      server: { port: 0, graphiql: false },
      eventLog: { store: 'sqlite', path: join(dir, 'events.sqlite') },
    };
    await writeFile(configFile, JSON.stringify(config));
    const samples: Record<keyof typeof WAYS, Sample[]> = { compiled: [], tsx: [] };
    for (let index = 0; index < RUNS; index++) {
      // Alternating, so that drift in the machine's load hits both ways alike.
      for (const way of ['compiled', 'tsx'] as const) samples[way].push(await startOnce(WAYS[way], configFile));
    }
    console.log(`\ncold start and RSS, real mode, median of ${RUNS} (min–max):`);
    for (const way of ['compiled', 'tsx'] as const) {
      const list = samples[way];
      const show = (pick: (sample: Sample) => number, digits = 0): string => {
        const values = list.map(pick);
        return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
      };
      console.log(
        `  ${way === 'compiled' ? 'node dist/main.js' : 'tsx src/main.ts  '}: start ${show((sample) => sample.startMs)} ms, ` +
          `RSS ${show((sample) => sample.rssMb)} MB, after a query ${show((sample) => sample.rssAfterQueryMb)} MB, ` +
          `all processes ${show((sample) => sample.treeRssMb)} MB`,
      );
    }
  } finally {
    await sandboxes.close();
    await rm(dir, { recursive: true, force: true });
  }
}
