import { DataSource } from 'typeorm';
import { createDataSource, DatabaseSchema } from './data-source';

/**
 * The node's connection pools, one per kind of work, so that one cannot starve the others: HTTP
 * requests (`api`), the inbox's batches (`inbox`), the outbox relay (`relay`), the ledger's
 * background work: checkpoints, witnessing, self-audit, expiry sweeps (`ledger`), and attachment
 * chunk batches on arrival (`attachments`), so a 50 MB transfer never holds the connections the
 * inbox's small notices need. Sized by LIAISON_DB_POOL_<NAME>
 * (README "Configuration").
 */
export const POOL_NAMES = ['api', 'inbox', 'relay', 'ledger', 'attachments'] as const;
export type PoolName = (typeof POOL_NAMES)[number];
export type PoolSizes = Record<PoolName, number>;
type DataSourceOptions = NonNullable<Parameters<typeof createDataSource>[2]>;

export class DatabasePools {
  private constructor(private readonly sources: Record<PoolName, DataSource>) {}

  /** Connects every pool (as the app role), each with the options given (its size and name its own); on a failure closes the ones already open. */
  static async open(url: string, schema: DatabaseSchema, sizes: PoolSizes, options: DataSourceOptions & { applicationName: string }): Promise<DatabasePools> {
    const sources = {} as Record<PoolName, DataSource>;
    try {
      for (const name of POOL_NAMES) {
        sources[name] = createDataSource(url, schema, { ...options, poolSize: sizes[name], applicationName: `${options.applicationName}-${name}` });
        await sources[name].initialize();
      }
    } catch (error) {
      await Promise.all(Object.values(sources).filter((s) => s.isInitialized).map((s) => s.destroy()));
      throw error;
    }
    return new DatabasePools(sources);
  }

  /** One data source for every kind of work (tests and benches that wire services by hand). */
  static shared(source: DataSource): DatabasePools {
    return new DatabasePools(Object.fromEntries(POOL_NAMES.map((name) => [name, source])) as Record<PoolName, DataSource>);
  }

  get(name: PoolName): DataSource {
    return this.sources[name];
  }

  async destroy(): Promise<void> {
    await Promise.all(POOL_NAMES.map((name) => this.sources[name].destroy()));
  }
}
