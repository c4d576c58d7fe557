import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/**
 * Message ids are chosen by their sender, so they are unique only per sender: notices, their
 * workflow rows and the received-message record are keyed by (sender, id). Before, one agency
 * could stall another's inbox (an id equal to one of ours broke the primary key) or suppress a
 * genuine notice (a co-recipient sending the same id first made it a "replay").
 * `redelivered_message` records the same envelope published again (same sender, id and digest,
 * another offset) — a sender's outbox after a crash — once per offset, not as a refusal.
 */
export class SenderScopedIds1764000400000 implements MigrationInterface {
  name = 'SenderScopedIds1764000400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE notice_recipient ADD COLUMN notice_sender text`);
    await runner.query(`UPDATE notice_recipient r SET notice_sender = n.sender FROM notice n WHERE n.id = r.notice_id`);
    await runner.query(`ALTER TABLE notice_recipient ALTER COLUMN notice_sender SET NOT NULL`);
    await runner.query(`ALTER TABLE notice_recipient DROP CONSTRAINT notice_recipient_notice_id_fkey`);
    await runner.query(`ALTER TABLE notice_recipient DROP CONSTRAINT notice_recipient_pkey`);
    await runner.query(`ALTER TABLE notice DROP CONSTRAINT notice_pkey`);
    await runner.query(`ALTER TABLE notice ADD PRIMARY KEY (sender, id)`);
    await runner.query(`CREATE INDEX notice_id ON notice (id)`);
    await runner.query(`ALTER TABLE notice_recipient ADD PRIMARY KEY (notice_sender, notice_id, agency)`);
    await runner.query(`CREATE INDEX notice_recipient_notice ON notice_recipient (notice_id, agency)`);
    await runner.query(
      `ALTER TABLE notice_recipient ADD FOREIGN KEY (notice_sender, notice_id) REFERENCES notice (sender, id)`,
    );
    await runner.query(`ALTER TABLE received_message DROP CONSTRAINT received_message_pkey`);
    await runner.query(`ALTER TABLE received_message ADD PRIMARY KEY (sender, message_id)`);
    await runner.query(`
      CREATE TABLE redelivered_message (
        id bigserial PRIMARY KEY,
        sender text NOT NULL,
        message_id uuid NOT NULL,
        digest text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        redelivered_at timestamptz NOT NULL,
        UNIQUE (partition, "offset")
      )`);
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT ON redelivered_message TO %I', app);
        EXECUTE format('GRANT USAGE ON SEQUENCE redelivered_message_id_seq TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE redelivered_message`);
    await runner.query(`ALTER TABLE received_message DROP CONSTRAINT received_message_pkey`);
    await runner.query(`ALTER TABLE received_message ADD PRIMARY KEY (message_id)`);
    await runner.query(`ALTER TABLE notice_recipient DROP CONSTRAINT notice_recipient_notice_sender_notice_id_fkey`);
    await runner.query(`ALTER TABLE notice_recipient DROP CONSTRAINT notice_recipient_pkey`);
    await runner.query(`DROP INDEX notice_recipient_notice, notice_id`);
    await runner.query(`ALTER TABLE notice DROP CONSTRAINT notice_pkey`);
    await runner.query(`ALTER TABLE notice ADD PRIMARY KEY (id)`);
    await runner.query(`ALTER TABLE notice_recipient ADD PRIMARY KEY (notice_id, agency)`);
    await runner.query(`ALTER TABLE notice_recipient ADD FOREIGN KEY (notice_id) REFERENCES notice (id)`);
    await runner.query(`ALTER TABLE notice_recipient DROP COLUMN notice_sender`);
  }
}
