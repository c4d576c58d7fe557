import { Attachments1764400000000 } from './attachments/migrations/1764400000000-Attachments';
import { LEDGER_MIGRATIONS } from './ledger/migrations';
import { DIRECTORY_MIGRATIONS } from './directory/directory.repository';
import { Cases1764300000000 } from './cases/migrations/1764300000000-Cases';
import { Match1764400000000 } from './match/migrations/1764400000000-Match';
import { CASEWORK_MIGRATIONS } from './casework/migrations';
import { EXCHANGE_MIGRATIONS } from './exchange/migrations';
import { Idempotency1764001000000 } from './idempotency/migrations/1764001000000-Idempotency';
import { AppRole1764000000000 } from './persistence/migrations/1764000000000-AppRole';
import type { DatabaseSchema } from './persistence/data-source';

/** The timestamp TypeORM orders a migration by: the digits its class name ends with. */
const timestampOf = (migration: { name: string }): number => Number(/(\d+)$/.exec(migration.name)?.[1] ?? NaN);

/**
 * The node's database schema: every feature's migrations. Listed here, at the composition root,
 * so that persistence/ knows no feature module; listed, never globbed (decision 0002). TypeORM
 * runs them in timestamp order whatever the list says, so the list is sorted the same way (a
 * feature's later migration, such as casework's index key, runs after other features' earlier
 * ones). There are no TypeORM entities: repositories write explicit SQL.
 */
export const NODE_SCHEMA: DatabaseSchema = {
  migrations: [
    AppRole1764000000000, ...LEDGER_MIGRATIONS, ...EXCHANGE_MIGRATIONS, ...DIRECTORY_MIGRATIONS, Idempotency1764001000000,
    ...CASEWORK_MIGRATIONS, Cases1764300000000, Attachments1764400000000, Match1764400000000,
  ].sort((a, b) => timestampOf(a) - timestampOf(b)),
};
