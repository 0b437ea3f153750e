import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from './schema/index.js';

/**
 * `npm run schema:print` writes schema/schema.graphql from the code (sorted SDL, see
 * src/schema/index.ts); `--check` only compares and sets a failing exit code when the committed
 * file is out of date (`npm run check:drift`).
 */
const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
const printed = `${printSchema(schema)}\n`;

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== printed) {
    process.stderr.write('schema/schema.graphql is out of date: run `npm run schema:print` and commit it\n');
    process.exitCode = 1;
  }
} else {
  await writeFile(target, printed);
  process.stdout.write(`wrote ${target}\n`);
}
