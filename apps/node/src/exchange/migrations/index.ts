import { Exchange1764000200000 } from './1764000200000-Exchange';
import { SenderScopedIds1764000400000 } from './1764000400000-SenderScopedIds';

/** The exchange's migrations in order (listed, never globbed: decision 0002). */
export const EXCHANGE_MIGRATIONS = [Exchange1764000200000, SenderScopedIds1764000400000];
