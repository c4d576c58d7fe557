import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of the agency's ledger (entries, tree nodes, head, checkpoints, cosignatures,
 * witness state and alerts), append-only for the app role. The node works on them with explicit
 * SQL in ledger.repository.ts.
 */
export class LedgerTables1764000100000 implements MigrationInterface {
  name = 'LedgerTables1764000100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS ledger_entry (
        seq bigint PRIMARY KEY CHECK (seq >= 0),
        time timestamptz(3) NOT NULL,
        event text NOT NULL,
        message_id text,
        kind text,
        counterpart text,
        channel_sender text,
        channel_recipient text,
        channel_seq bigint,
        digest text CHECK (digest IS NULL OR digest ~ '^[0-9a-f]{64}$'),
        re text,
        actor text,
        reason text,
        leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
        CHECK ((channel_sender IS NULL) = (channel_recipient IS NULL) AND (channel_sender IS NULL) = (channel_seq IS NULL))
      )`);
    // Auditor filters: time range, counterpart, kind, event (each paged by seq), message timeline.
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_entry_time ON ledger_entry (time, seq)`);
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_entry_counterpart ON ledger_entry (counterpart, seq)`);
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_entry_kind ON ledger_entry (kind, seq)`);
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_entry_event ON ledger_entry (event, seq)`);
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_entry_message ON ledger_entry (message_id, seq) WHERE message_id IS NOT NULL`);
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_entry_re ON ledger_entry (re, seq) WHERE re IS NOT NULL`);

    await runner.query(`
      CREATE TABLE IF NOT EXISTS ledger_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        size bigint NOT NULL CHECK (size >= 0),
        frontier bytea[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`INSERT INTO ledger_head (id, size, frontier) VALUES (1, 0, '{}') ON CONFLICT (id) DO NOTHING`);

    await runner.query(`
      CREATE TABLE IF NOT EXISTS ledger_node (
        level smallint NOT NULL CHECK (level BETWEEN 8 AND 63),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, idx)
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS ledger_checkpoint (
        size bigint PRIMARY KEY CHECK (size >= 0),
        root bytea NOT NULL CHECK (octet_length(root) = 32),
        note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS ledger_cosignature (
        checkpoint_size bigint NOT NULL REFERENCES ledger_checkpoint (size),
        witness text NOT NULL,
        line text NOT NULL,
        verified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (checkpoint_size, witness)
      )`);
    await runner.query(`CREATE INDEX IF NOT EXISTS ledger_cosignature_witness ON ledger_cosignature (witness, checkpoint_size)`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS witness_state (
        origin text PRIMARY KEY,
        agency text NOT NULL,
        size bigint NOT NULL CHECK (size >= 0),
        root bytea NOT NULL CHECK (octet_length(root) = 32),
        note text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS witness_alert (
        id bigserial PRIMARY KEY,
        origin text NOT NULL,
        witness text NOT NULL,
        reason text NOT NULL,
        cosigned_note text,
        refused_note text NOT NULL,
        evidence_digest text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX IF NOT EXISTS witness_alert_created ON witness_alert (created_at, id)`);

    // Append-only, even for the owner: UPDATE, DELETE and TRUNCATE raise. A superuser can still
    // bypass triggers (session_replication_role); detection then comes from signed checkpoints
    // held by witnesses and auditors outside this database.
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['ledger_entry', 'ledger_node', 'ledger_checkpoint', 'ledger_cosignature']) {
      await runner.query(`DROP TRIGGER IF EXISTS ${table}_no_change ON ${table}`);
      await runner.query(`CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
      await runner.query(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
      await runner.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    }
    // The sequencer row stays: it may be updated (appends), never removed.
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_head_keep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'ledger_head: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`DROP TRIGGER IF EXISTS ledger_head_no_delete ON ledger_head`);
    await runner.query(`CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head FOR EACH ROW EXECUTE FUNCTION ledger_head_keep()`);
    await runner.query(`DROP TRIGGER IF EXISTS ledger_head_no_truncate ON ledger_head`);
    await runner.query(`CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head FOR EACH STATEMENT EXECUTE FUNCTION ledger_head_keep()`);

    // The app role: exactly what the node needs, nothing that rewrites history.
    await runner.query(`
      DO $$
      DECLARE app text := current_database() || '_app';
      BEGIN
        EXECUTE format('REVOKE ALL ON ledger_entry, ledger_node, ledger_head, ledger_checkpoint, ledger_cosignature, witness_state, witness_alert FROM %I', app);
        EXECUTE format('GRANT SELECT, INSERT ON ledger_entry, ledger_node, ledger_checkpoint, ledger_cosignature, witness_alert TO %I', app);
        EXECUTE format('GRANT SELECT, UPDATE ON ledger_head TO %I', app);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON witness_state TO %I', app);
        EXECUTE format('GRANT USAGE ON SEQUENCE witness_alert_id_seq TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['witness_alert', 'witness_state', 'ledger_cosignature', 'ledger_checkpoint', 'ledger_head', 'ledger_node', 'ledger_entry']) {
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await runner.query(`DROP FUNCTION IF EXISTS ledger_refuse_change()`);
    await runner.query(`DROP FUNCTION IF EXISTS ledger_head_keep()`);
  }
}
