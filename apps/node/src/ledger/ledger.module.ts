import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { CheckpointService } from './checkpoint.service';
import { LedgerIntegrity } from './ledger.integrity';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerWriter } from './ledger.port';
import { LedgerProofs } from './ledger.proofs';
import { LedgerRepository } from './ledger.repository';
import { LedgerSequencer } from './ledger.sequencer';
import { WitnessSilenceWatch } from './witness-silence';
import { WitnessTrafficRepository } from './witness-traffic.repository';
import { WitnessService } from './witness.service';

/**
 * The agency's tamper-evident ledger: every statement in LedgerRepository; the sequencer
 * (LedgerSequencer, exported as LedgerWriter); tree answers and proofs (LedgerProofs); the
 * continuous self-audit (LedgerIntegrity); checkpoints (CheckpointService); this node as a
 * witness of the others (WitnessService, a consumer of the checkpoints topic) and the auditor
 * API (AuditController, role `auditor`).
 *
 * Expects these providers from the app module (a global core module):
 * - DataSource (TypeORM, connected as the `<db>_app` role; LEDGER_MIGRATIONS listed in schema.ts) and
 *   Transactions (the checkpointer's advisory lock: one replica at a time)
 * - Clock, PUBLISHER (MessagePublisher), ConsumerFactory, NODE_CONFIG (agency, checkpoint.*, selfAudit.*)
 * - AgencyKeyring (signs checkpoints, cosignatures and damage alerts), TrustStore (other agencies' keys)
 * - FederationTopics (the checkpoints topic and this agency's consumer group prefix)
 * and a global BearerAuthGuard (APP_GUARD) that enforces @Roles.
 */
@Module({
  controllers: [AuditController],
  providers: [
    LedgerRepository,
    LedgerMetrics,
    LedgerProofs,
    LedgerIntegrity,
    LedgerSequencer,
    { provide: LedgerWriter, useExisting: LedgerSequencer },
    CheckpointService,
    WitnessService,
    WitnessTrafficRepository,
    WitnessSilenceWatch,
  ],
  exports: [LedgerWriter, LedgerRepository, LedgerProofs, LedgerIntegrity, LedgerMetrics, CheckpointService],
})
export class LedgerModule {}
