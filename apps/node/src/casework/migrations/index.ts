import { Casework1764200000000 } from './1764200000000-Casework';
import { CaseworkIndexKey1764500000000 } from './1764500000000-CaseworkIndexKey';

/** Casework's migrations in order (listed, never globbed: decision 0002). */
export const CASEWORK_MIGRATIONS = [Casework1764200000000, CaseworkIndexKey1764500000000];
