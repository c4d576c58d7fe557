import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/**
 * Attachments (decision 0014, docs/protocol/attachments.md). One row per attachment this agency
 * uploaded (outbound) or was sent (inbound), keyed (sender, id) like notices; its chunks are kept
 * as they travel (STREAM ciphertext), and its content key is wrapped under the node's at-rest key
 * (AttachmentKeys), so the database holds no plaintext and no usable key. A transfer is the
 * chunk outbox of one (attachment, recipient): the relay publishes from `next_chunk` on and moves
 * it forward after the broker acknowledged, so a restarted sender resumes where it was. A receiver
 * records each chunk once, keyed (sender, attachment, index), so a restarted receiver never doubles one.
 */
export class Attachments1764400000000 implements MigrationInterface {
  name = 'Attachments1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE attachment (
        sender text NOT NULL,
        id uuid NOT NULL,
        direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
        notice_id uuid,
        name text,
        media_type text NOT NULL,
        size bigint NOT NULL CHECK (size >= 0),
        sha256 text NOT NULL,
        chunks integer NOT NULL CHECK (chunks >= 1),
        chunk_sha256 text[] NOT NULL,
        wrapped_key bytea NOT NULL,
        -- outbound: uploading, uploaded, attached; inbound: pending, available, refused, stalled; either: deleted (retention)
        status text NOT NULL,
        status_code text,
        status_detail text,
        chunks_recorded integer NOT NULL DEFAULT 0,
        created_by text,
        created_at timestamptz NOT NULL,
        progress_at timestamptz NOT NULL,
        completed_at timestamptz,
        PRIMARY KEY (sender, id)
      )`);
    await runner.query(`CREATE INDEX attachment_notice ON attachment (notice_id) WHERE notice_id IS NOT NULL`);
    await runner.query(`CREATE INDEX attachment_open ON attachment (status, progress_at) WHERE status IN ('uploading', 'pending')`);
    await runner.query(`
      CREATE TABLE attachment_chunk (
        sender text NOT NULL,
        attachment_id uuid NOT NULL,
        idx integer NOT NULL CHECK (idx >= 0),
        bytes bytea NOT NULL,
        PRIMARY KEY (sender, attachment_id, idx),
        FOREIGN KEY (sender, attachment_id) REFERENCES attachment (sender, id) ON DELETE CASCADE
      )`);
    // Lots of 256 KiB values: keep them out of line and uncompressed (ciphertext does not compress).
    await runner.query(`ALTER TABLE attachment_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL`);
    await runner.query(`
      CREATE TABLE attachment_transfer (
        attachment_id uuid NOT NULL,
        recipient text NOT NULL,
        notice_id uuid NOT NULL,
        next_chunk integer NOT NULL DEFAULT 0,
        chunks integer NOT NULL,
        -- sending, sent (every chunk acknowledged by the broker), delivered (the recipient verified it), failed (the recipient refused or reported it stalled)
        status text NOT NULL,
        status_code text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        delivered_at timestamptz,
        PRIMARY KEY (attachment_id, recipient)
      )`);
    await runner.query(`CREATE INDEX attachment_transfer_due ON attachment_transfer (created_at) WHERE status = 'sending'`);
    // Chunks that arrived before the envelope declaring them (they travel on another topic), kept
    // aside until it arrives or the stall timeout passes; bounded per sender (HELD_CHUNKS_PER_SENDER).
    await runner.query(`
      CREATE TABLE held_chunk (
        sender text NOT NULL,
        attachment_id uuid NOT NULL,
        idx integer NOT NULL,
        notice_id uuid NOT NULL,
        bytes bytea NOT NULL,
        held_at timestamptz NOT NULL,
        PRIMARY KEY (sender, attachment_id, idx)
      )`);
    await runner.query(`ALTER TABLE held_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL`);
    await runner.query(`CREATE INDEX held_chunk_age ON held_chunk (held_at)`);
    // Refused chunk messages, once per topic position (metadata and digest only, never the bytes).
    await runner.query(`
      CREATE TABLE refused_chunk (
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        claimed_sender text,
        attachment_id uuid,
        idx integer,
        code text NOT NULL,
        detail text NOT NULL,
        digest text NOT NULL,
        refused_at timestamptz NOT NULL,
        PRIMARY KEY (partition, "offset")
      )`);
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON attachment, attachment_chunk, attachment_transfer, held_chunk TO %I', app);
        EXECUTE format('GRANT SELECT, INSERT ON refused_chunk TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE refused_chunk, held_chunk, attachment_transfer, attachment_chunk, attachment`);
  }
}
