import { Casework1764200000000 } from './1764200000000-Casework';

/** Casework's migrations in order (listed, never globbed: decision 0002). */
export const CASEWORK_MIGRATIONS = [Casework1764200000000];
