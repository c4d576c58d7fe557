// Peers notice silence: every checkpoint interval the witness asks, for each other agency of the
// directory, whether envelopes keep arriving from it while no checkpoint of its log followed
// within the limit (judgeSilence), counting only since the witness reads the checkpoints topic. A silent log gets one stored alert per silence (keyed by the
// last checkpoint seen), visible in /audit/alerts like the witness's refusals.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TrustStore } from '@liaison/envelope';
import { judgeSilence } from '@liaison/ledger';
import { Periodic } from '../periodic';
import { Clock, NODE_CONFIG } from '../tokens';
import { evidenceDigest, originOf } from './checkpoint.protocol';
import { LedgerConfig } from './ledger.config';
import { LedgerRepository } from './ledger.repository';
import { WitnessTrafficRepository } from './witness-traffic.repository';
import { WitnessService } from './witness.service';

/** The reason of a silence alert in /audit/alerts. */
export const SILENCE_REASON = 'silent';

@Injectable()
export class WitnessSilenceWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerWitness');
  private readonly periodic = new Periodic('silence check', this.logger, () => this.check());

  constructor(
    private readonly traffic: WitnessTrafficRepository,
    private readonly witness: WitnessService,
    private readonly repo: LedgerRepository,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: LedgerConfig,
  ) {}

  get limitSeconds(): number {
    return this.config.checkpoint.silenceSeconds ?? 3 * this.config.checkpoint.everySeconds;
  }

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.checkpoint.everySeconds * 1000);
  }

  onApplicationShutdown(): void {
    this.periodic.stop();
  }

  /** Checks every other agency once; returns those found silent (and alerted, once per silence). */
  async check(): Promise<string[]> {
    const silent: string[] = [];
    // Until the witness reads the checkpoints topic, no checkpoint could have been seen.
    const watching = this.witness.consumingSince;
    if (watching === null) return silent;
    const others = (this.trust.current()?.agencies ?? []).map((a) => a.code).filter((code) => code !== this.config.agency);
    for (const agency of others) {
      const last = await this.repo.witnessState(agency);
      const since = last === null || last.cosignedAt < watching ? watching : last.cosignedAt;
      const firstTrafficSince = await this.traffic.firstReceivedSince(agency, since);
      const now = this.clock.now();
      const verdict = judgeSilence({ firstTrafficSince, now, limitSeconds: this.limitSeconds });
      if (!verdict.silent) continue;
      silent.push(agency);
      const seen = last === null ? 'none seen yet' : `last seen ${last.cosignedAt.toISOString()}`;
      const statement = `no checkpoint of ${originOf(agency)} (${seen}) while its envelopes arrived for ${verdict.seconds} s (limit ${this.limitSeconds} s)`;
      const stored = await this.repo.insertAlert({
        origin: agency,
        witness: this.config.agency,
        reason: SILENCE_REASON,
        cosignedNote: last?.note ?? null,
        refusedNote: statement,
        // One alert per silence: the same last checkpoint (or start of watching) keeps the same digest.
        evidenceDigest: evidenceDigest(originOf(agency), originOf(this.config.agency), `${SILENCE_REASON}\n${since.toISOString()}`),
        createdAt: now.toISOString(),
      });
      if (stored) this.logger.error(`LEDGER WITNESS ALERT: ${statement}`);
    }
    return silent;
  }
}
