import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../domain/errors.js';

/** Operation documents by the lowercase hex SHA-256 of their text (the APQ `sha256Hash`). */
export type PersistedOperations = ReadonlyMap<string, string>;

/** How the GraphQL-over-HTTP persisted documents appendix (and codegen's manifest) spells a SHA-256 document id. */
export const DOCUMENT_ID_PREFIX = 'sha256:';

export function hashOperation(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/**
 * The example operations of schema/operations (what GraphiQL and the README show) plus an optional
 * JSON file of `{"<sha256>": "<document>"}` (keys may read `sha256:<hex>`, as in the manifest
 * codegen's client preset writes with `persistedDocuments`), whose hashes are checked against their documents.
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
    for (const [id, document] of Object.entries(entries)) {
      const hash = (id.startsWith(DOCUMENT_ID_PREFIX) ? id.slice(DOCUMENT_ID_PREFIX.length) : id).toLowerCase();
      if (typeof document !== 'string' || hashOperation(document) !== hash) {
        throw new ConfigurationError(`${key}: the entry ${id.slice(0, 12)}… is not the sha256 of its document`);
      }
      operations.set(hash, document);
    }
  }
  return operations;
}
