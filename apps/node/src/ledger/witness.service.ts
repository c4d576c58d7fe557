// This node as a witness of the other agencies' logs, and the consumer of the checkpoints topic:
// other agencies' checkpoints are judged (cosign or refuse with evidence); cosignatures and
// alerts about our own log go to the CheckpointService. Malformed messages are ignored with a
// warning, never thrown: a poison message must not stall the topic.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AgencyKeyring, TrustStore } from '@liaison/envelope';
import { WitnessState, cosign, judgeCheckpoint, noteSignedBy } from '@liaison/ledger';
import { FederationTopics, InboundMessage, MessageConsumer, MessagePublisher } from '@liaison/transport';
import { Clock, ConsumerFactory, NODE_CONFIG, PUBLISHER } from '../tokens';
import {
  AlertMessage,
  CheckpointMessage,
  CosignatureMessage,
  TYPE_HEADER,
  agencyOfOrigin,
  asLogKeys,
  evidenceDigest,
  originOf,
  parseLedgerMessage,
  signingKeysOf,
} from './checkpoint.protocol';
import { CheckpointService } from './checkpoint.service';
import { LedgerConfig } from './ledger.config';
import { DAMAGE_REASON_PREFIX } from './ledger.integrity';
import { LedgerRepository } from './ledger.repository';

export type WitnessOutcome = 'cosigned' | 'refused' | 'ignored' | 'stored';

function publishedAt(raw: InboundMessage): Date | undefined {
  const ms = Number(raw.timestamp);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
}

@Injectable()
export class WitnessService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerWitness');
  private consumer: MessageConsumer | null = null;
  private stopping: Promise<void> | null = null;
  /** Last offset handled per topic-partition. */
  private readonly handled = new Map<string, bigint>();
  /** When this witness got its first batch of the checkpoints topic: before it, it has seen nothing (silence is not judged). */
  consumingSince: Date | null = null;

  constructor(
    private readonly repo: LedgerRepository,
    private readonly checkpoints: CheckpointService,
    private readonly clock: Clock,
    @Inject(PUBLISHER) private readonly publisher: MessagePublisher,
    @Inject(NODE_CONFIG) private readonly config: LedgerConfig,
    private readonly keyring: AgencyKeyring,
    private readonly trust: TrustStore,
    private readonly topics: FederationTopics,
    private readonly consumers: ConsumerFactory,
  ) {}

  get name(): string {
    return originOf(this.config.agency);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = this.consumers.create({
      groupId: `${this.topics.groupPrefix(this.config.agency)}witness`,
      topic: this.topics.checkpoints,
      fromBeginning: true,
    });
    await this.consumer.start((batch) => this.handleBatch(batch));
  }

  /** Leaving the group waits for the in-flight fetch: started early, so it overlaps the other consumers' stops. */
  beforeApplicationShutdown(): void {
    this.stopping ??= this.consumer?.stop() ?? Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    this.beforeApplicationShutdown();
    await this.stopping;
    this.consumer = null;
  }

  async handleBatch(batch: InboundMessage[]): Promise<void> {
    this.consumingSince ??= this.clock.now();
    for (const m of batch) {
      // A message handled once in this process is not handled again (redelivery, re-fetch):
      // otherwise each copy of a checkpoint would send one more cosignature.
      const key = `${m.topic}/${m.partition}`;
      let offset: bigint;
      try {
        offset = BigInt(m.offset);
      } catch {
        offset = -1n;
      }
      const done = this.handled.get(key);
      if (done !== undefined && offset <= done) continue;
      await this.handle(m);
      if (offset >= 0n) this.handled.set(key, offset);
    }
  }

  /** One message of the checkpoints topic. Throws only on infrastructure failure (database, broker): then the batch is redelivered. */
  async handle(raw: InboundMessage): Promise<WitnessOutcome> {
    const parsed = parseLedgerMessage(raw.value, raw.headers[TYPE_HEADER]);
    if (!parsed.ok) {
      this.logger.warn(`ignored message at ${raw.topic}/${raw.partition}@${raw.offset}: ${parsed.error}`);
      return 'ignored';
    }
    const m = parsed.message;
    switch (m.type) {
      case 'checkpoint':
        return this.witness(m, publishedAt(raw));
      case 'cosignature':
        return this.checkpoints.recordCosignature(m);
      case 'alert':
        return this.onAlert(m);
    }
  }

  /** `publishedAt` (the broker's timestamp) tells a replayed older checkpoint from a log that shrank. */
  async witness(m: CheckpointMessage, publishedAt?: Date): Promise<WitnessOutcome> {
    if (m.agency === this.config.agency) return 'ignored';
    const state: WitnessState | null = await this.repo.witnessState(m.agency);
    const originKeys = asLogKeys(signingKeysOf(this.trust.current(), m.agency, this.clock.now()));
    const verdict = judgeCheckpoint({ claim: m, state, originKeys, publishedAt });
    if (verdict.action === 'ignore') {
      // Older checkpoints are routine (a consumer starting from the beginning, replays): no warning.
      if (verdict.stale) this.logger.debug(`checkpoint of ${m.agency} ignored: ${verdict.why}`);
      else this.logger.warn(`checkpoint of ${m.agency} ignored: ${verdict.why}`);
      return 'ignored';
    }
    if (verdict.action === 'refuse') {
      await this.refuse(m, state, verdict.reason, verdict.error);
      return 'refused';
    }
    const cp = verdict.checkpoint;
    await this.repo.advanceWitnessState({ agency: m.agency, size: cp.size, root: cp.rootHash, note: m.note, updatedAt: this.clock.now().toISOString() });
    const line = cosign(cp.body, this.name, this.keyring.signingPrivateKey, Math.floor(this.clock.now().getTime() / 1000));
    const reply: CosignatureMessage = { type: 'cosignature', origin: m.origin, witness: this.name, size: Number(cp.size), line: line.trimEnd() };
    await this.publisher.publish([
      { topic: this.topics.checkpoints, key: m.origin, value: Buffer.from(JSON.stringify(reply)), headers: { [TYPE_HEADER]: 'cosignature' } },
    ]);
    return 'cosigned';
  }

  private async refuse(m: CheckpointMessage, state: WitnessState | null, reason: AlertMessage['reason'], error: string): Promise<void> {
    const digest = evidenceDigest(m.origin, this.name, m.note);
    if (await this.repo.alertExists(digest)) return; // already refused and announced
    this.logger.error(`LEDGER WITNESS ALERT: checkpoint of ${m.agency} refused (${reason}): ${error}`);
    // Announce first: a crash in between re-announces on redelivery (the origin keeps one alert per digest).
    const alert: AlertMessage = { type: 'alert', origin: m.origin, witness: this.name, reason, cosignedNote: state?.note ?? null, refusedNote: m.note };
    await this.publisher.publish([
      { topic: this.topics.checkpoints, key: m.origin, value: Buffer.from(JSON.stringify(alert)), headers: { [TYPE_HEADER]: 'alert' } },
    ]);
    await this.repo.insertAlert({
      origin: m.agency,
      witness: this.config.agency,
      reason,
      cosignedNote: state?.note ?? null,
      refusedNote: m.note,
      evidenceDigest: digest,
      createdAt: this.clock.now().toISOString(),
    });
  }

  private async onAlert(m: AlertMessage): Promise<WitnessOutcome> {
    if (m.witness === this.name) return 'ignored'; // our own alert coming back
    if (m.witness === m.origin) return this.recordPeerDamage(m);
    return this.checkpoints.recordAlert(m);
  }

  /** Another agency's self-audit found damage in its own log: kept as evidence when its key signed the statement. */
  private async recordPeerDamage(m: AlertMessage): Promise<WitnessOutcome> {
    const agency = agencyOfOrigin(m.origin);
    if (agency === null || !m.reason.startsWith(DAMAGE_REASON_PREFIX)) return 'ignored';
    const keys = asLogKeys(signingKeysOf(this.trust.current(), agency, this.clock.now()));
    if (!noteSignedBy(m.refusedNote, m.origin, keys)) {
      this.logger.warn(`damage alert about ${agency} ignored: not signed by ${agency}`);
      return 'ignored';
    }
    const stored = await this.repo.insertAlert({
      origin: agency,
      witness: agency,
      reason: m.reason,
      cosignedNote: m.cosignedNote,
      refusedNote: m.refusedNote,
      evidenceDigest: evidenceDigest(m.origin, m.witness, m.refusedNote),
      createdAt: this.clock.now().toISOString(),
    });
    if (stored) this.logger.error(`LEDGER DAMAGE REPORTED BY ${agency}: ${m.reason}`);
    return 'stored';
  }
}
