import { Client } from 'pg';

/** The same server, another database (or role): used to reach `postgres` for CREATE DATABASE. */
export function withDatabase(url: string, database: string, user?: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  if (user !== undefined) {
    parsed.username = encodeURIComponent(user);
    parsed.password = '';
  }
  return parsed.toString();
}

export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: string) {
    super(
      `PostgreSQL is not reachable at ${redact(url)}: ${cause}. Start PostgreSQL ` +
        '(on a Debian machine: pg_ctlcluster --skip-systemctl-redirect 15 main start) or set DATABASE_URL ' +
        'to a server the node can reach.',
    );
    this.name = 'DatabaseUnreachableError';
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Each agency has its own database; create it on first start. */
export async function ensureDatabase(url: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnreachableError(url, (error as Error).message);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      // Identifiers cannot be parameters; the name was validated as [a-z0-9_] by the caller.
      await client.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another replica
      });
    }
  } finally {
    await client.end();
  }
}
