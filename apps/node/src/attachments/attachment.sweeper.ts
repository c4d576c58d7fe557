import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { UnitOfWork } from '../exchange/unit-of-work';
import { Periodic } from '../periodic';
import { Transactions } from '../persistence/transactions';
import { Clock, NODE_CONFIG } from '../tokens';
import { AttachmentArrivals } from './attachment-arrivals';
import { AttachmentsMetrics } from './attachments.metrics';
import { AttachmentsRepository } from './attachments.repository';

/** Rows handled per step, so one sweep's transaction stays short. */
const STEP = 100;
/** An upload still streaming after this long was abandoned (its client went away). */
const UPLOADING_MAX_MS = 3600_000;
/** An upload never sent with a notice is deleted after a day. */
const UPLOADED_MAX_MS = 86_400_000;

/**
 * The attachments' timers, one replica at a time (an advisory lock): a received attachment with
 * no new chunk within the stall timeout is reported stalled to its sender; chunks held that long
 * for an envelope that never came are dropped; abandoned uploads are deleted; and, where a
 * retention period is configured for a notice kind, attachment content older than it is deleted
 * (chunks and key) with a ledger entry, while the ledger's facts of the attachment stay.
 */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Attachments');
  private readonly periodic = new Periodic('attachment sweep', this.log, () => this.sweep());

  constructor(
    private readonly unit: UnitOfWork,
    private readonly transactions: Transactions,
    private readonly repository: AttachmentsRepository,
    private readonly arrivals: AttachmentArrivals,
    private readonly metrics: AttachmentsMetrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.attachmentTimers.sweepSeconds * 1000);
  }

  onApplicationShutdown(): void {
    this.periodic.stop();
  }

  /** One sweep; null when another replica is sweeping right now. */
  sweep(): Promise<{ stalled: number; deleted: number } | null> {
    return this.transactions.exclusive('attachmentSweep', async () => {
      const now = this.clock.now().getTime();
      const stallBefore = new Date(now - this.config.attachmentTimers.stallSeconds * 1000);
      let stalled = 0;
      for (let found = STEP; found === STEP; ) {
        found = await this.unit.run(async (tx, pending) => {
          const rows = await this.repository.stalledInbound(tx, stallBefore, STEP);
          for (const row of rows) await this.arrivals.stalled(tx, pending, row);
          return rows.length;
        }, 'ledger');
        stalled += found;
      }
      if (stalled) this.metrics.settled.inc({ status: 'stalled' }, stalled);
      await this.transactions.run(async (tx) => {
        await this.repository.deleteHeldBefore(tx, stallBefore);
        await this.repository.deleteAbandonedUploads(tx, new Date(now - UPLOADING_MAX_MS), new Date(now - UPLOADED_MAX_MS));
        this.metrics.transfers.set(await this.repository.transferBacklog(tx));
      }, 'ledger');
      let deleted = 0;
      for (const [kind, seconds] of Object.entries(this.config.attachmentTimers.retentionSeconds)) {
        for (let found = STEP; found === STEP; ) {
          found = await this.unit.run(async (tx, pending) => {
            const rows = await this.repository.dueForDeletion(tx, kind, new Date(now - seconds * 1000), STEP);
            for (const row of rows) {
              await this.repository.deleteContent(tx, row.sender, row.id, new Date(now));
              pending.ledger.push({
                event: 'attachment-deleted', messageId: row.id, kind: row.type, counterpart: row.direction === 'inbound' ? row.sender : null, channel: null,
                digest: row.sha256, re: row.noticeId, actor: null, reason: `retention of ${kind}: ${seconds} s`,
              });
            }
            return rows.length;
          }, 'ledger');
          deleted += found;
        }
      }
      if (stalled || deleted) this.log.log(`${stalled} attachment(s) reported stalled, ${deleted} deleted at the end of retention`);
      return { stalled, deleted };
    });
  }
}
