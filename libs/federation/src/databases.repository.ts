import { Client } from 'pg';

/** The harness's statements: an owner's query on one agency database, and dropping a federation's databases. */

/** Runs one statement on a database as its owner (tests inspect and tamper with it). */
export async function runSql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops each database and its `<database>_app` role (names were validated as [a-z0-9_] when made). */
export async function dropDatabases(postgresUrl: string, databases: string[]): Promise<void> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const database of databases) {
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS "${database}_app"`);
    }
  } finally {
    await client.end();
  }
}
