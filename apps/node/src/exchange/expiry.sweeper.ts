import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { Periodic } from '../periodic';
import { Transactions } from '../persistence/transactions';
import { Clock, NODE_CONFIG } from '../tokens';
import { ExchangeRepository } from './exchange.repository';
import { UnitOfWork } from './unit-of-work';

const SWEEP_MS = 30_000;

/**
 * Marks EXPIRED every open workflow row whose notice passed its expiry or reply deadline,
 * on both sides independently, with a ledger entry each. Replicas of the node take turns (an
 * advisory lock); the UPDATE's row locks would keep two sweeps from expiring a row twice anyway.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ExpirySweeper');
  private readonly periodic = new Periodic('expiry sweep', this.log, () => this.sweep());

  constructor(
    private readonly unit: UnitOfWork,
    private readonly repository: ExchangeRepository,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly transactions: Transactions,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(SWEEP_MS);
  }

  onApplicationShutdown(): void {
    this.periodic.stop();
  }

  /** Expires what is due; 0 when another replica is sweeping right now. */
  async sweep(): Promise<number> {
    return (await this.transactions.exclusive('expirySweep', () => this.expireDue())) ?? 0;
  }

  private expireDue(): Promise<number> {
    return this.unit.run(async (tx, pending) => {
      const expired = await this.repository.expireOpen(tx, this.clock.now());
      for (const row of expired) {
        pending.ledger.push({
          event: 'expired',
          messageId: row.noticeId,
          kind: row.kind,
          counterpart: row.direction === 'outbound' ? row.agency : row.noticeSender,
          channel: null,
          digest: null,
          re: null,
          actor: null,
          reason: 'reply deadline or expiry passed unanswered',
        });
      }
      if (expired.length) this.log.log(`${expired.length} notice recipient(s) expired (agency ${this.config.agency})`);
      return expired.length;
    }, 'ledger');
  }
}
