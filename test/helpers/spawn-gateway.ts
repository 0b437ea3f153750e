import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_DEADLINE_MS = 60_000;

export interface SpawnedGateway {
  /** http://127.0.0.1:<port>, from the line main.ts prints once it listens. */
  url: string;
  process: ChildProcess;
  /** Resolves when the process has exited (whatever the reason). */
  exited: Promise<void>;
}

/**
 * `src/main.ts` as its own process, one process (node with the tsx loader, not the tsx CLI, which
 * would fork a child that a signal to it does not reach), with exactly the given environment plus
 * PATH. Resolves once it listens; rejects with its output when it exits or stays silent first.
 */
export async function spawnGateway(args: readonly string[], env: Record<string, string>): Promise<SpawnedGateway> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start within ${STARTUP_DEADLINE_MS} ms:\n${output}`)), STARTUP_DEADLINE_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /complaint-gateway listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited before listening (${child.exitCode ?? child.signalCode}):\n${output}`));
    });
  });
  // Keep draining its output, so a chatty gateway never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  return { url, process: child, exited };
}
