// A private PostgreSQL database per test file, migrated with the ledger's migrations, reached both
// as the owner (postgres, superuser: used to tamper) and as the node's least-privileged app role.
import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { appendLeaves, entryLeafHash } from '@liaison/ledger';
import { LedgerRepository } from '../../apps/node/src/ledger/ledger.repository';
import { AppRole1764000000000 } from '../../apps/node/src/persistence/migrations/1764000000000-AppRole';
import { LEDGER_MIGRATIONS } from '../../apps/node/src/ledger/migrations';
import { withDatabase } from '../../apps/node/src/persistence/database';

export const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  /** Connected as the app role (what the node uses). */
  app: DataSource;
  /** Connected as the owner / superuser. */
  owner: DataSource;
  migrate(): Promise<string[]>;
  drop(): Promise<void>;
}

export function ledgerDataSource(url: string, poolSize = 5): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [],
    migrations: [AppRole1764000000000, ...LEDGER_MIGRATIONS],
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize },
  });
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(SERVER_URL, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `ledger_<label>_<random>`, runs the migrations, connects as owner and app role. */
export async function createLedgerDatabase(label: string, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `ledger_${label}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const ownerUrl = withDatabase(SERVER_URL, name);
  const appUrl = withDatabase(SERVER_URL, name, `${name}_app`);
  const owner = ledgerDataSource(ownerUrl, 2);
  await owner.initialize();
  const migrate = async () => (await owner.runMigrations({ transaction: 'each' })).map((m) => m.name);
  await migrate();
  const app = ledgerDataSource(appUrl, options.poolSize ?? 5);
  await app.initialize();
  return {
    name,
    ownerUrl,
    appUrl,
    app,
    owner,
    migrate,
    drop: async () => {
      if (app.isInitialized) await app.destroy();
      if (owner.isInitialized) await owner.destroy();
      await admin(async (c) => {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await c.query(`DROP DATABASE IF EXISTS "${name}"`);
        await c.query(`DROP ROLE IF EXISTS "${name}_app"`);
      });
    },
  };
}

/** Runs statements as the superuser with the append-only triggers bypassed, the way an attacker would. */
export async function tamper(db: Pick<TestDatabase, 'ownerUrl'>, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    for (const s of statements) await client.query(s);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/**
 * A consistent rewrite of history by the database superuser: after `statements`, every leaf
 * hash, interior node and the head are recomputed from the rows, so the tree agrees with the
 * rewritten entries. Only signed checkpoints made before (the node's own, the witnesses') can
 * then tell.
 */
export async function rewriteHistory(db: TestDatabase, statements: string[]): Promise<void> {
  await tamper(db, statements);
  const repo = new LedgerRepository(db.owner);
  const rows = [];
  for (let at = 0n; ; ) {
    const page = await repo.entryPage(at, 1n << 62n);
    if (page.length === 0) break;
    rows.push(...page);
    at = BigInt(page[page.length - 1].entry.seq) + 1n;
  }
  const leaves = rows.map((r) => entryLeafHash(r.entry));
  const tree = appendLeaves(0n, [], leaves);
  const client = new Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    for (const [i, r] of rows.entries()) await client.query('UPDATE ledger_entry SET leaf_hash = $1 WHERE seq = $2', [Buffer.from(leaves[i]), r.entry.seq]);
    await client.query('DELETE FROM ledger_node');
    for (const n of tree.nodes) await client.query('INSERT INTO ledger_node (level, idx, hash) VALUES ($1, $2, $3)', [n.level, n.index.toString(), Buffer.from(n.hash)]);
    await client.query('UPDATE ledger_head SET size = $1, frontier = $2 WHERE id = 1', [tree.size.toString(), tree.frontier.map((h) => Buffer.from(h))]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
