import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The node runs as `<database>_app`, a role that owns nothing: later migrations grant it exactly
 * what it needs (the ledger: SELECT and INSERT only). Migrations run as the database owner.
 */
export class AppRole1764000000000 implements MigrationInterface {
  name = 'AppRole1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DO $$
      DECLARE app text := current_database() || '_app';
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
          EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', app);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DO $$
      DECLARE app text := current_database() || '_app';
      BEGIN
        EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', app);
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), app);
      END $$`);
  }
}
