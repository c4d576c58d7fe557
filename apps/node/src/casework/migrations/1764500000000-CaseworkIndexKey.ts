import { MigrationInterface, QueryRunner } from 'typeorm';
import { forAppRole } from '../../persistence/app-role-statement';

const PRIVILEGES = 'UPDATE (terms, indexed_at, index_key) ON notice_indexed';

/**
 * The blind index records which key each notice was indexed under (`index_key`, the key's id,
 * never the key), so that after a change of key the indexer indexes the notice again: it deletes
 * the notice's terms and writes them under the current key. Rows indexed before this column
 * existed have none and are indexed again once.
 */
export class CaseworkIndexKey1764500000000 implements MigrationInterface {
  name = 'CaseworkIndexKey1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE notice_indexed ADD COLUMN index_key bytea CHECK (octet_length(index_key) = 8)`);
    await runner.query(forAppRole(`GRANT ${PRIVILEGES} TO %I`));
    await runner.query(forAppRole('GRANT DELETE ON notice_term TO %I'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(forAppRole('REVOKE DELETE ON notice_term FROM %I'));
    await runner.query(forAppRole(`REVOKE ${PRIVILEGES} FROM %I`));
    await runner.query(`ALTER TABLE notice_indexed DROP COLUMN index_key`);
  }
}
