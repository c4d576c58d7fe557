import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records (docs/api.md): one row per (principal, key) while it lives; the
 * answer is kept as the JSON text that was sent, so a replay is the same bytes.
 */
export class Idempotency1764001000000 implements MigrationInterface {
  name = 'Idempotency1764001000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE idempotency_key (
        subject     text        NOT NULL,
        key         text        NOT NULL,
        fingerprint bytea       NOT NULL,
        status      smallint,
        body        text,
        created_at  timestamptz NOT NULL,
        expires_at  timestamptz NOT NULL,
        PRIMARY KEY (subject, key),
        CHECK ((status IS NULL) = (body IS NULL))
      )`);
    await runner.query('CREATE INDEX idempotency_key_expires ON idempotency_key (expires_at)');
    await runner.query(`
      DO $$
      DECLARE app text := current_database() || '_app';
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_key TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE idempotency_key');
  }
}
