import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../domain/errors.js';

/** Operation documents by the lowercase hex SHA-256 of their text (the APQ `sha256Hash`). */
export type PersistedOperations = ReadonlyMap<string, string>;

export function hashOperation(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/**
 * The example operations of schema/operations (what GraphiQL and the README show) plus an optional
 * JSON file of `{"<sha256>": "<document>"}`, whose hashes are checked against their documents.
 */
export async function loadPersistedOperations(operationsDir: string, file: string | null): Promise<PersistedOperations> {
  const operations = new Map<string, string>();
  for (const name of (await readdir(operationsDir)).filter((entry) => entry.endsWith('.graphql')).sort()) {
    const document = await readFile(join(operationsDir, name), 'utf8');
    operations.set(hashOperation(document), document);
  }
  if (file !== null) {
    const key = 'server.persistedOperations.file';
    let entries: unknown;
    try {
      entries = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      throw new ConfigurationError(`${key}: ${file} cannot be read as JSON`);
    }
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
      throw new ConfigurationError(`${key}: must be a JSON object of sha256 → document`);
    for (const [hash, document] of Object.entries(entries)) {
      if (typeof document !== 'string' || hashOperation(document) !== hash.toLowerCase()) {
        throw new ConfigurationError(`${key}: the entry ${hash.slice(0, 12)}… is not the sha256 of its document`);
      }
      operations.set(hash.toLowerCase(), document);
    }
  }
  return operations;
}
