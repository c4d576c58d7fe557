import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { UnitOfWork } from './unit-of-work';

const SWEEP_MS = 30_000;

/**
 * Marks EXPIRED every open workflow row whose notice passed its expiry or reply deadline,
 * on both sides independently, with a ledger entry each.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ExpirySweeper');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly unit: UnitOfWork,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch((e: Error) => this.log.warn(`expiry sweep failed: ${e.message}`)), SWEEP_MS);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    return this.unit.run(async (manager, pending) => {
      const expired: { notice_id: string; agency: string; kind: string; sender: string; direction: string }[] = await manager.query(
        `UPDATE notice_recipient r SET status = 'EXPIRED', updated_at = $1
         FROM notice n
         WHERE n.id = r.notice_id AND n.kind <> 'response'
           AND r.status IN ('SENT', 'DELIVERED', 'ACKNOWLEDGED')
           AND (n.expires_at <= $1 OR n.deadline <= $1)
         RETURNING r.notice_id, r.agency, n.kind, n.sender, n.direction`,
        [this.clock.now()],
      ).then((result: [typeof expired, number] | typeof expired) => (Array.isArray(result[0]) ? (result[0] as typeof expired) : (result as typeof expired)));
      for (const row of expired) {
        pending.ledger.push({
          event: 'expired',
          messageId: row.notice_id,
          kind: row.kind,
          counterpart: row.direction === 'outbound' ? row.agency : row.sender,
          channel: null,
          digest: null,
          re: null,
          actor: null,
          reason: 'reply deadline or expiry passed unanswered',
        });
      }
      if (expired.length) this.log.log(`${expired.length} notice recipient(s) expired (agency ${this.config.agency})`);
      return expired.length;
    });
  }
}
