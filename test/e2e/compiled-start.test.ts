import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, START_NODE_FLAGS } from '../helpers/build.js';
import { childProcesses, isAlive } from '../helpers/processes.js';

/*
 * `npm start` as a container runtime or process manager runs it: the compiled dist/main.js with no
 * TypeScript loader, and SIGTERM sent to npm stops the gateway gracefully, leaving no process behind.
 * `npm ci` builds dist/ (prepare); this suite rebuilds it only when src/ is newer.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEADLINE_MS = 60_000;

let dir: string;
let npm: ChildProcess | undefined;
let gatewayPid: number | undefined;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Processes are read from /proc.
describe.skipIf(process.platform !== 'linux')('npm start', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'compiled-start-test-'));
    await ensureBuilt();
  }, 300_000);

  afterAll(async () => {
    // Only if an assertion failed half-way: leave nothing running.
    if (gatewayPid !== undefined && isAlive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
    if (npm?.pid !== undefined && npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs dist/main.js directly under npm, and SIGTERM to npm stops it gracefully with exit code 0 and no orphan', async () => {
    // A minimal environment: sandbox mode, an ephemeral port, keys and the temporary event log in our directory.
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? dir,
        TMPDIR: dir,
        PORT: '0',
        SANDBOX_KEYS_FILE: join(dir, 'sandbox-keys.json'),
        npm_config_update_notifier: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm = child;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const npmPid = child.pid;
    if (npmPid === undefined) throw new Error('npm did not start');

    const url = await until('the listening line', () => {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${stdout}\n${stderr}`);
      return /complaint-gateway listening on (http:\/\/\S+)/.exec(stdout)?.[1];
    });

    // The gateway is npm's only child, and it is node on the compiled file: no shell, no loader in between.
    const children = await childProcesses(npmPid);
    expect(children).toHaveLength(1);
    expect(children[0]?.args).toBe(['node', ...START_NODE_FLAGS, 'dist/main.js'].join(' '));
    gatewayPid = children[0]?.pid;
    if (gatewayPid === undefined) throw new Error('no gateway process');

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    process.kill(npmPid, 'SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('"msg":"shutting down"');
    const pid = gatewayPid;
    await until('the gateway process to be gone', () => (isAlive(pid) ? undefined : true));
    // Sandbox mode's temporary event log went with it.
    expect((await readdir(dir)).filter((name) => name.includes('.sqlite'))).toEqual([]);
  }, 120_000);
});
