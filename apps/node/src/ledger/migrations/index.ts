import { LedgerTables1764000100000 } from './1764000100000-LedgerTables';

/** The ledger's migrations in order (listed, never globbed: decision 0002). */
export const LEDGER_MIGRATIONS = [LedgerTables1764000100000];
