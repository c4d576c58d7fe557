import { LEDGER_ENTITIES, LEDGER_MIGRATIONS } from './ledger/ledger.persistence';
import { DIRECTORY_MIGRATIONS } from './directory/directory.repository';
import { EXCHANGE_MIGRATIONS } from './exchange/migrations';
import { Idempotency1764001000000 } from './idempotency/migrations/1764001000000-Idempotency';
import { AppRole1764000000000 } from './persistence/migrations/1764000000000-AppRole';
import type { DatabaseSchema } from './persistence/data-source';

/**
 * The node's database schema: every feature's migrations in order and the few TypeORM entities
 * left. Listed here, at the composition root, so that persistence/ knows no feature module;
 * listed, never globbed (decision 0002).
 */
export const NODE_SCHEMA: DatabaseSchema = {
  entities: [...LEDGER_ENTITIES],
  migrations: [AppRole1764000000000, ...LEDGER_MIGRATIONS, ...EXCHANGE_MIGRATIONS, ...DIRECTORY_MIGRATIONS, Idempotency1764001000000],
};
