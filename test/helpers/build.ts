import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled entry point `npm start` runs. */
export const DIST_MAIN = join(ROOT, 'dist', 'main.js');

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
