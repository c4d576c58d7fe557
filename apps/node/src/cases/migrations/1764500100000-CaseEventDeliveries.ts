import { MigrationInterface, QueryRunner } from 'typeorm';
import { forAppRole } from '../../persistence/app-role-statement';

/**
 * Deliveries of the case events this agency sent. Case events have no workflow row, so a
 * recipient's receipt naming one moved nothing and the sender's ledger had no `delivered` entry
 * (`liaison reconcile` then reports it received but not receipted). `case_event.digest` keeps
 * the SHA-256 of the envelope as sent, to check the receipt's digest against; a delivery is
 * recorded once per (event, recipient).
 */
export class CaseEventDeliveries1764500100000 implements MigrationInterface {
  name = 'CaseEventDeliveries1764500100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE case_event ADD COLUMN digest text CHECK (digest ~ '^[0-9a-f]{64}$')`);
    await runner.query(`CREATE INDEX case_event_sent ON case_event (message_id) WHERE direction = 'outbound'`);
    await runner.query(`
      CREATE TABLE case_event_delivery (
        message_id uuid NOT NULL,
        recipient text NOT NULL,
        receipt_id uuid NOT NULL,
        delivered_at timestamptz NOT NULL,
        PRIMARY KEY (message_id, recipient)
      )`);
    await runner.query(forAppRole('GRANT SELECT, INSERT ON case_event_delivery TO %I'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE case_event_delivery`);
    await runner.query(`DROP INDEX case_event_sent`);
    await runner.query(`ALTER TABLE case_event DROP COLUMN digest`);
  }
}
