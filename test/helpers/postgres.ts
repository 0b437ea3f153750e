import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth; CI has it); the postgres tests run against it, never a mock. */
const POSTGRES_SERVER = 'postgres://postgres@127.0.0.1:5432';

/** The URL of `database` on the machine's server. */
export function postgresUrl(database: string): string {
  return `${POSTGRES_SERVER}/${database}`;
}

function createAdmin(): pg.Client {
  return new pg.Client({ connectionString: postgresUrl('postgres'), connectionTimeoutMillis: 2000 });
}

export interface PostgresAdmin {
  /** A new, empty database only this test uses, dropped by `close()`; returns its URL. */
  createDatabase(purpose: string): Promise<string>;
  /** Runs one statement in a database made by `createDatabase` (tests look under the store's hood). */
  query<T extends pg.QueryResultRow>(url: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops every database it made (ending their sessions), then disconnects. */
  close(): Promise<void>;
}

/**
 * A connection to the real PostgreSQL, or why there is none: callers `describe.skipIf('reason' in ...)`
 * and the warning says the tests were skipped and why.
 */
export async function postgresOrReason(suite: string): Promise<{ admin: PostgresAdmin } | { reason: string }> {
  const client = createAdmin();
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${POSTGRES_SERVER}: ${(error as Error).message}`;
    console.warn(`SKIPPED ${suite}: ${reason}`);
    return { reason };
  }
  const databases: string[] = [];
  return {
    admin: {
      async createDatabase(purpose) {
        const name = `test_${purpose.replace(/[^a-z0-9]/g, '_')}_${randomUUID().replaceAll('-', '')}`.slice(0, 63);
        await client.query(`CREATE DATABASE "${name}"`);
        databases.push(name);
        return postgresUrl(name);
      },
      async query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
        const other = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
        await other.connect();
        try {
          return (await other.query<T>(sql, params)).rows;
        } finally {
          await other.end();
        }
      },
      async close() {
        // WITH (FORCE) ends sessions a test left open (a killed gateway's, a store not closed).
        for (const name of databases.splice(0)) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.end();
      },
    },
  };
}
