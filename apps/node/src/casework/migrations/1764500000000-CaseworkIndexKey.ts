import { MigrationInterface, QueryRunner } from 'typeorm';

/** A statement run with `%I` as the node's application role (`<database>_app`). */
const forApp = (statement: string) => `
  DO $$
  BEGIN
    EXECUTE format('${statement}', current_database() || '_app');
  END $$`;

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
    await runner.query(forApp(`GRANT ${PRIVILEGES} TO %I`));
    await runner.query(forApp('GRANT DELETE ON notice_term TO %I'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(forApp('REVOKE DELETE ON notice_term FROM %I'));
    await runner.query(forApp(`REVOKE ${PRIVILEGES} FROM %I`));
    await runner.query(`ALTER TABLE notice_indexed DROP COLUMN index_key`);
  }
}
