import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/domain/errors.js';
import { hashOperation, loadPersistedOperations } from '../../../src/server/persisted-operations.js';

let dir: string;
const EXAMPLE = 'query Example { merchants { id } }\n';
const FROM_MANIFEST = 'query FromManifest { merchants { name } }';
const PLAIN = 'query Plain { merchants { provider } }';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'persisted-operations-'));
  await writeFile(join(dir, 'example.graphql'), EXAMPLE);
  await writeFile(join(dir, 'notes.txt'), 'not an operation');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function manifest(name: string, entries: Record<string, unknown>): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(entries));
  return path;
}

describe('loadPersistedOperations', () => {
  it('keys the example operations and a manifest’s documents by their lowercase hex sha256, `sha256:` ids included', async () => {
    const file = await manifest('ok.json', { [`sha256:${hashOperation(FROM_MANIFEST)}`]: FROM_MANIFEST, [hashOperation(PLAIN).toUpperCase()]: PLAIN });
    const operations = await loadPersistedOperations(dir, file);
    expect(Object.fromEntries(operations)).toEqual({
      [hashOperation(EXAMPLE)]: EXAMPLE,
      [hashOperation(FROM_MANIFEST)]: FROM_MANIFEST,
      [hashOperation(PLAIN)]: PLAIN,
    });
  });

  it('refuses an entry whose id is not its document’s hash, naming the key but not the document', async () => {
    const file = await manifest('bad.json', { [`sha256:${hashOperation(PLAIN)}`]: FROM_MANIFEST });
    const failure = loadPersistedOperations(dir, file);
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
    await expect(failure).rejects.toThrow(/^server\.persistedOperations\.file: the entry sha256:.* is not the sha256 of its document$/);
    await expect(failure).rejects.not.toThrow(/FromManifest/);
  });
});
