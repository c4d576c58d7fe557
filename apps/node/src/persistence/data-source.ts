import { DataSource } from 'typeorm';
import { AppRole1764000000000 } from './migrations/1764000000000-AppRole';
import { LEDGER_ENTITIES, LEDGER_MIGRATIONS } from '../ledger/ledger.persistence';
import { EXCHANGE_ENTITIES, EXCHANGE_MIGRATIONS } from '../exchange/exchange.persistence';
import { Idempotency1764000900000 } from '../idempotency/migrations/1764000900000-Idempotency';

// Listed explicitly, never globbed: the compiled tree and Jest see the same classes, and a
// migration that is not listed here does not run (docs/decisions/0002-explicit-typeorm-lists.md).
export const ENTITIES = [...LEDGER_ENTITIES, ...EXCHANGE_ENTITIES];
export const MIGRATIONS = [AppRole1764000000000, ...LEDGER_MIGRATIONS, ...EXCHANGE_MIGRATIONS, Idempotency1764000900000];

export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // TypeORM's query logging prints parameters, which may be notice metadata: never log queries.
    logging: false,
    extra: { max: options.poolSize ?? 10, application_name: options.applicationName ?? 'liaison-node', connectionTimeoutMillis: 5000 },
  });
}

/** Runs pending migrations as the owner; a second run finds nothing to do. */
export async function migrate(ownerUrl: string): Promise<string[]> {
  const source = createDataSource(ownerUrl, { poolSize: 1, applicationName: 'liaison-migrate' });
  await source.initialize();
  try {
    const applied = await source.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await source.destroy();
  }
}
