import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/**
 * Casework on stored notices: the blind index (keyed hashes of normalised terms, never the
 * terms), which notices it covers, assignments to officers and internal notes (sealed at rest).
 * Rows are only ever added: an assignment's history is kept, the newest one counts.
 */
export class Casework1764200000000 implements MigrationInterface {
  name = 'Casework1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notice_term (
        term bytea NOT NULL CHECK (octet_length(term) = 32),
        notice_sender text NOT NULL,
        notice_id uuid NOT NULL,
        term_kind text NOT NULL,
        correlates boolean NOT NULL,
        PRIMARY KEY (term, notice_sender, notice_id),
        FOREIGN KEY (notice_sender, notice_id) REFERENCES notice (sender, id)
      )`);
    await runner.query(`CREATE INDEX notice_term_notice ON notice_term (notice_sender, notice_id)`);
    await runner.query(`
      CREATE TABLE notice_indexed (
        notice_sender text NOT NULL,
        notice_id uuid NOT NULL,
        terms int NOT NULL,
        indexed_at timestamptz NOT NULL,
        PRIMARY KEY (notice_sender, notice_id),
        FOREIGN KEY (notice_sender, notice_id) REFERENCES notice (sender, id)
      )`);
    await runner.query(`
      CREATE TABLE notice_assignment (
        id bigserial PRIMARY KEY,
        notice_sender text NOT NULL,
        notice_id uuid NOT NULL,
        officer text NOT NULL,
        assigned_by text NOT NULL,
        assigned_at timestamptz NOT NULL,
        FOREIGN KEY (notice_sender, notice_id) REFERENCES notice (sender, id)
      )`);
    await runner.query(`CREATE INDEX notice_assignment_notice ON notice_assignment (notice_sender, notice_id, id)`);
    await runner.query(`
      CREATE TABLE notice_note (
        id bigserial PRIMARY KEY,
        notice_sender text NOT NULL,
        notice_id uuid NOT NULL,
        author text NOT NULL,
        created_at timestamptz NOT NULL,
        content bytea NOT NULL,
        FOREIGN KEY (notice_sender, notice_id) REFERENCES notice (sender, id)
      )`);
    await runner.query(`CREATE INDEX notice_note_notice ON notice_note (notice_sender, notice_id, id)`);
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT ON notice_term, notice_indexed, notice_assignment, notice_note TO %I', app);
        EXECUTE format('GRANT USAGE ON SEQUENCE notice_assignment_id_seq, notice_note_id_seq TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE notice_note, notice_assignment, notice_indexed, notice_term`);
  }
}
