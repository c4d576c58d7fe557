import { MigrationInterface, QueryRunner } from 'typeorm';

const APP = `current_database() || '_app'`;

/**
 * Private hit/no-hit (issue 18). Holder: its OPRF keys (the private key wrapped under the node's
 * at-rest secret), its index (each value sealed, found by a keyed digest, with its filter key under
 * the current OPRF key), imports, published filters, a rate bucket per partner and a log of the
 * requests it served (counts and codes only: never an element). Requester: the latest filter of
 * each holder (and parts still arriving), its checks and each partner's answer (hit indexes only:
 * the values checked are never stored).
 */
export class Match1764400000000 implements MigrationInterface {
  name = 'Match1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE match_key (
        key_id text PRIMARY KEY,
        sealed_private bytea NOT NULL,
        public_key bytea NOT NULL,
        created_at timestamptz NOT NULL,
        retired_at timestamptz
      )`);
    await runner.query(`CREATE UNIQUE INDEX match_key_current ON match_key ((true)) WHERE retired_at IS NULL`);
    await runner.query(`
      CREATE TABLE match_entry (
        lookup bytea PRIMARY KEY,
        kind text NOT NULL,
        sealed_value bytea NOT NULL,
        key_id text NOT NULL,
        filter_key bytea NOT NULL,
        added_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE match_import (
        id uuid PRIMARY KEY,
        actor text NOT NULL,
        at timestamptz NOT NULL,
        added integer NOT NULL,
        removed integer NOT NULL,
        unchanged integer NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE match_publication (
        filter_digest text NOT NULL,
        key_id text NOT NULL,
        entries integer NOT NULL,
        bytes integer NOT NULL,
        parts integer NOT NULL,
        partners text[] NOT NULL,
        build_ms integer NOT NULL,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (filter_digest, published_at)
      )`);
    await runner.query(`CREATE TABLE match_bucket (partner text PRIMARY KEY, tokens float8 NOT NULL, at timestamptz NOT NULL)`);
    await runner.query(`
      CREATE TABLE match_served (
        partner text NOT NULL,
        request_id uuid NOT NULL,
        response_id uuid NOT NULL,
        elements integer NOT NULL,
        outcome text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (partner, request_id, response_id)
      )`);
    await runner.query(`CREATE INDEX match_served_response ON match_served (response_id)`);
    await runner.query(`
      CREATE TABLE match_filter (
        holder text PRIMARY KEY,
        key_id text NOT NULL,
        public_key bytea NOT NULL,
        filter_digest text NOT NULL,
        filter bytea NOT NULL,
        entries integer NOT NULL,
        issued_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE match_filter_part (
        holder text NOT NULL,
        filter_digest text NOT NULL,
        part integer NOT NULL,
        parts integer NOT NULL,
        key_id text NOT NULL,
        public_key bytea NOT NULL,
        bytes bytea NOT NULL,
        issued_at timestamptz NOT NULL,
        PRIMARY KEY (holder, filter_digest, part)
      )`);
    await runner.query(`
      CREATE TABLE match_check (
        id uuid PRIMARY KEY,
        actor text NOT NULL,
        elements integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE match_check_partner (
        check_id uuid NOT NULL REFERENCES match_check (id),
        partner text NOT NULL,
        request_id uuid NOT NULL UNIQUE,
        key_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'answered', 'refused', 'failed')),
        hits integer[] NOT NULL DEFAULT '{}',
        code text,
        detail text,
        response_id uuid,
        answered_at timestamptz,
        -- the requester's blind state, sealed (it holds the values checked): only while pending
        blind_state bytea,
        CHECK (status = 'pending' OR blind_state IS NULL),
        PRIMARY KEY (check_id, partner)
      )`);
    await runner.query(`CREATE INDEX match_check_partner_response ON match_check_partner (response_id) WHERE response_id IS NOT NULL`);
    await runner.query(`
      DO $$
      DECLARE app text := ${APP};
      BEGIN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON match_key, match_bucket, match_filter, match_check_partner TO %I', app);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON match_entry, match_filter_part TO %I', app);
        EXECUTE format('GRANT SELECT, INSERT ON match_import, match_publication, match_served, match_check TO %I', app);
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE match_check_partner, match_check, match_filter_part, match_filter, match_served, match_bucket, match_publication, match_import, match_entry, match_key`);
  }
}
