import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { CheckpointService } from './checkpoint.service';
import { LedgerWriter } from './ledger.port';
import { LedgerService } from './ledger.service';
import { WitnessService } from './witness.service';

/**
 * The agency's tamper-evident ledger: the sequencer (LedgerService, exported as LedgerWriter),
 * checkpoints (CheckpointService), this node as a witness of the others (WitnessService, a
 * consumer of the checkpoints topic) and the auditor API (AuditController, role `auditor`).
 *
 * Expects these providers from the app module (a global core module):
 * - DataSource (TypeORM, connected as the `<db>_app` role; LEDGER_ENTITIES/LEDGER_MIGRATIONS listed)
 * - Clock, PUBLISHER (MessagePublisher), ConsumerFactory, NODE_CONFIG (agency, checkpoint.*)
 * - AgencyKeyring (signs checkpoints and cosignatures), TrustStore (other agencies' keys)
 * - FederationTopics (the checkpoints topic and this agency's consumer group prefix)
 * and a global BearerAuthGuard (APP_GUARD) that enforces @Roles.
 */
@Module({
  controllers: [AuditController],
  providers: [LedgerService, { provide: LedgerWriter, useExisting: LedgerService }, CheckpointService, WitnessService],
  exports: [LedgerWriter, LedgerService, CheckpointService],
})
export class LedgerModule {}
