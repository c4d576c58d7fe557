import { DataSource, Logger, MigrationInterface } from 'typeorm';

/**
 * Migrations, listed explicitly, never globbed: the compiled tree and Jest see the
 * same classes, and a migration that is not listed does not run
 * (docs/decisions/0002-explicit-typeorm-lists.md). The node's list is `NODE_SCHEMA` (schema.ts).
 */
export interface DatabaseSchema {
  migrations: (new () => MigrationInterface)[];
}

export function createDataSource(url: string, schema: DatabaseSchema, options: { poolSize?: number; applicationName?: string; logger?: Logger } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [],
    migrations: schema.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // TypeORM's query logging prints parameters, which may be notice metadata: never log queries.
    logging: false,
    logger: options.logger,
    extra: { max: options.poolSize ?? 10, application_name: options.applicationName ?? 'liaison-node', connectionTimeoutMillis: 5000 },
  });
}

/** Runs pending migrations as the owner; a second run finds nothing to do. */
export async function migrate(ownerUrl: string, schema: DatabaseSchema): Promise<string[]> {
  const source = createDataSource(ownerUrl, schema, { poolSize: 1, applicationName: 'liaison-migrate' });
  await source.initialize();
  try {
    const applied = await source.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await source.destroy();
  }
}
