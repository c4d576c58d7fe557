import { DataSource } from 'typeorm';
import { DirectoryCache } from '@liaison/envelope';
import { DirectoryTrustState1764000900000 } from './migrations/1764000900000-DirectoryTrustState';

export const DIRECTORY_MIGRATIONS = [DirectoryTrustState1764000900000];

/**
 * Keeps the last verified directory and the highest serial ever adopted in the node's database,
 * so a restart needs no source and cannot be rolled back by replacing the cached JWS.
 */
export class DatabaseDirectoryCache implements DirectoryCache {
  constructor(private readonly dataSource: DataSource) {}

  async load(): Promise<string | null> {
    const rows: { jws: string }[] = await this.dataSource.query('SELECT jws FROM directory_cache WHERE id = 1');
    return rows[0]?.jws ?? null;
  }

  /** The JWS and the raised serial in one statement: both or neither. */
  async save(jws: string, serial: number): Promise<void> {
    await this.dataSource.query(
      `WITH saved AS (
         INSERT INTO directory_cache (id, jws, saved_at) VALUES (1, $1, now())
         ON CONFLICT (id) DO UPDATE SET jws = $1, saved_at = now()
       )
       UPDATE directory_trust_state SET highest_serial = GREATEST(highest_serial, $2::bigint), updated_at = now() WHERE id = 1`,
      [jws, serial],
    );
  }

  /** Throws when the row is missing: the trust state cannot be read, and the node must not start on it. */
  async highestSerial(): Promise<number | null> {
    const rows: { highest_serial: string | null }[] = await this.dataSource.query('SELECT highest_serial FROM directory_trust_state WHERE id = 1');
    if (rows.length !== 1) throw new Error('directory_trust_state has no row');
    return rows[0].highest_serial === null ? null : Number(rows[0].highest_serial);
  }
}
