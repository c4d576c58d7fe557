import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/**
 * The highest directory serial this node ever adopted, kept apart from the cached JWS so that a
 * lost or replaced cache cannot roll the node back (decision 0008). One row, created here; the
 * runtime role may only raise it (no INSERT, no DELETE, and a trigger refuses lowering it).
 */
export class DirectoryTrustState1764000900000 implements MigrationInterface {
  name = 'DirectoryTrustState1764000900000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE directory_trust_state (
        id int PRIMARY KEY CHECK (id = 1),
        highest_serial bigint CHECK (highest_serial >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`INSERT INTO directory_trust_state (id, highest_serial) VALUES (1, NULL)`);
    await runner.query(`
      CREATE FUNCTION directory_serial_only_rises() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.highest_serial IS NOT NULL AND (NEW.highest_serial IS NULL OR NEW.highest_serial < OLD.highest_serial) THEN
          RAISE EXCEPTION 'directory highest_serial only rises (% to %)', OLD.highest_serial, NEW.highest_serial;
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`
      CREATE TRIGGER directory_serial_only_rises BEFORE UPDATE ON directory_trust_state
      FOR EACH ROW EXECUTE FUNCTION directory_serial_only_rises()`);
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, UPDATE ON directory_trust_state TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE directory_trust_state`);
    await runner.query(`DROP FUNCTION directory_serial_only_rises()`);
  }
}
