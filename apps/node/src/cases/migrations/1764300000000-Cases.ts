import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/**
 * Cases (joint operations): each case this agency knows, its membership state (the fold of its
 * accepted events) and the log of those events; and the case a notice belongs to.
 */
export class Cases1764300000000 implements MigrationInterface {
  name = 'Cases1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE notice ADD COLUMN case_id uuid`);
    await runner.query(`CREATE INDEX notice_case ON notice (case_id) WHERE case_id IS NOT NULL`);
    await runner.query(`
      CREATE TABLE liaison_case (
        id uuid PRIMARY KEY,
        reference text NOT NULL,
        owner text NOT NULL,
        state jsonb NOT NULL,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (reference)
      )`);
    await runner.query(`
      CREATE TABLE case_event (
        case_id uuid NOT NULL,
        message_id uuid NOT NULL,
        signer text NOT NULL,
        type text NOT NULL,
        agency text NOT NULL,
        seq bigint,
        direction text NOT NULL CHECK (direction IN ('outbound', 'inbound', 'local')),
        recipients text[] NOT NULL,
        event jsonb NOT NULL,
        at timestamptz NOT NULL,
        actor text,
        PRIMARY KEY (case_id, signer, message_id)
      )`);
    await runner.query(`CREATE INDEX case_event_order ON case_event (case_id, at, message_id)`);
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON liaison_case TO %I', app);
        EXECUTE format('GRANT SELECT, INSERT ON case_event TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE case_event, liaison_case`);
    await runner.query(`ALTER TABLE notice DROP COLUMN case_id`);
  }
}
