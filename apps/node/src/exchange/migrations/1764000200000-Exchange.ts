import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/** Notices, their per-recipient workflow, the outbox, received/rejected messages, channel counters. */
export class Exchange1764000200000 implements MigrationInterface {
  name = 'Exchange1764000200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notice (
        id uuid PRIMARY KEY,
        direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
        sender text NOT NULL,
        recipients text[] NOT NULL,
        kind text NOT NULL,
        priority text NOT NULL CHECK (priority IN ('urgent', 'normal')),
        handling_code text NOT NULL CHECK (handling_code IN ('H0', 'H1', 'H2', 'H3')),
        handling_restriction text,
        grades jsonb,
        re uuid,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        deadline timestamptz,
        digest text NOT NULL,
        content bytea NOT NULL,
        created_by text
      )`);
    await runner.query(`CREATE INDEX notice_direction_issued ON notice (direction, issued_at DESC)`);
    await runner.query(`CREATE INDEX notice_re ON notice (re) WHERE re IS NOT NULL`);
    await runner.query(`
      CREATE TABLE notice_recipient (
        notice_id uuid NOT NULL REFERENCES notice (id),
        agency text NOT NULL,
        status text NOT NULL CHECK (status IN ('SENT', 'DELIVERED', 'ACKNOWLEDGED', 'ANSWERED', 'DECLINED', 'EXPIRED')),
        channel_seq bigint,
        updated_at timestamptz NOT NULL,
        acted_by text,
        response_id uuid,
        PRIMARY KEY (notice_id, agency)
      )`);
    await runner.query(`CREATE INDEX notice_recipient_open ON notice_recipient (status) WHERE status NOT IN ('ANSWERED', 'DECLINED', 'EXPIRED')`);
    await runner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        message_key text NOT NULL,
        value bytea NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE received_message (
        message_id uuid PRIMARY KEY,
        sender text NOT NULL,
        kind text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        digest text NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE rejected_message (
        id bigserial PRIMARY KEY,
        message_id text,
        claimed_sender text,
        code text NOT NULL,
        detail text NOT NULL,
        digest text,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        rejected_at timestamptz NOT NULL,
        UNIQUE (partition, "offset")
      )`);
    await runner.query(`
      CREATE TABLE channel_sequence (
        sender text NOT NULL,
        recipient text NOT NULL,
        next_seq bigint NOT NULL,
        PRIMARY KEY (sender, recipient)
      )`);
    await runner.query(`CREATE TABLE directory_cache (id int PRIMARY KEY CHECK (id = 1), jws text NOT NULL, saved_at timestamptz NOT NULL)`);
    // Least privilege for the node's runtime role: no DELETE except on the outbox it drains,
    // no UPDATE on what is only ever recorded.
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT ON notice, received_message, rejected_message TO %I', app);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON notice_recipient, channel_sequence, directory_cache TO %I', app);
        -- FOR UPDATE SKIP LOCKED (the relay's claim on rows) needs UPDATE.
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO %I', app);
        EXECUTE format('GRANT USAGE ON SEQUENCE outbox_id_seq, rejected_message_id_seq TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE directory_cache, channel_sequence, rejected_message, received_message, outbox, notice_recipient, notice`);
  }
}
