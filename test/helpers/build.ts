import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled entry point `npm start` runs. */
export const DIST_MAIN = join(ROOT, 'dist', 'main.js');

/** The node flags `npm start` runs it with (heap sizing, BENCHMARKS.md issue 14), from package.json's one copy. */
export const START_NODE_FLAGS: readonly string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const flags = /\bnode((?: --[a-z-]+=\S+)*) dist\/main\.js$/.exec(scripts.start)?.[1];
  if (flags === undefined) throw new Error(`package.json's start script is not "node [--flag=value ...] dist/main.js": ${scripts.start}`);
  return flags.split(' ').filter((flag) => flag !== '');
})();

async function mtime(path: string): Promise<number> {
  return stat(path).then(
    (stats) => stats.mtimeMs,
    () => 0,
  );
}

/** Builds dist/ unless it is newer than every source file and the build's tsconfig. */
export async function ensureBuilt(): Promise<void> {
  const sources = (await readdir(join(ROOT, 'src'), { recursive: true })).filter((name) => name.endsWith('.ts')).map((name) => join(ROOT, 'src', name));
  const inputs = [...sources, join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')];
  const newest = Math.max(...(await Promise.all(inputs.map(mtime))));
  if ((await mtime(DIST_MAIN)) > newest) return;
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(
    (error: { stdout?: string }) => {
      throw new Error(`the build failed:\n${error.stdout ?? ''}`);
    },
  );
}
