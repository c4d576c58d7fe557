// The origin side of witnessing: sign checkpoints of our log every N entries or T seconds,
// publish them with consistency proofs for each witness, record the cosignatures and alerts
// that come back. The timer looks every second but runs a round (two statements and more) only
// when the head moved (as the self-audit last saw it) or something falls due by time.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AgencyKeyring, TrustStore } from '@liaison/envelope';
import { addSignatureLines, checkpointBody, ed25519PublicJwk, encodeBase64, noteSignedBy, signNote, verifyCosignature } from '@liaison/ledger';
import { FederationTopics, MessagePublisher } from '@liaison/transport';
import { Transactions } from '../persistence/transactions';
import { Clock, NODE_CONFIG, PUBLISHER } from '../tokens';
import { AlertMessage, CheckpointMessage, CosignatureMessage, TYPE_HEADER, agencyOfOrigin, asLogKeys, checkpointDue, nextCheckpointRoundAt, everSigningKeysOf, evidenceDigest, originOf, signingKeysOf } from './checkpoint.protocol';
import { LedgerConfig } from './ledger.config';
import { LedgerIntegrity } from './ledger.integrity';
import { LedgerProofs } from './ledger.proofs';
import { CheckpointRecord, LedgerRepository } from './ledger.repository';

export interface StoredCheckpoint {
  size: number;
  rootHash: string;
  note: string;
  createdAt: string;
}

export interface CheckpointStatus extends StoredCheckpoint {
  /** The note with every verified cosignature line appended. */
  cosignedNote: string;
  cosignatures: { witness: string; verifiedAt: string }[];
  quorum: number;
  witnessed: boolean;
}

@Injectable()
export class CheckpointService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerCheckpoints');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly startedAt: number;
  private lastPublishedAt = 0;
  private holding = false;
  /** The head the last round saw, and when a round is next due if it stays there. */
  private roundHead: bigint | null = null;
  private nextRoundAt = 0;

  constructor(
    private readonly repo: LedgerRepository,
    private readonly ledger: LedgerProofs,
    private readonly integrity: LedgerIntegrity,
    private readonly clock: Clock,
    @Inject(PUBLISHER) private readonly publisher: MessagePublisher,
    @Inject(NODE_CONFIG) private readonly config: LedgerConfig,
    private readonly keyring: AgencyKeyring,
    private readonly trust: TrustStore,
    private readonly topics: FederationTopics,
    private readonly transactions: Transactions,
  ) {
    this.startedAt = clock.now().getTime();
  }

  get origin(): string {
    return originOf(this.config.agency);
  }

  /** A node knows its own ledger: it refuses a database whose checkpoints another key signed. */
  async onModuleInit(): Promise<void> {
    const foreign = await this.foreignCheckpoint();
    if (foreign === null) return;
    throw new Error(
      `this database holds ledger checkpoint ${foreign} that no key ${this.config.agency} has ever held in the directory signed: ` +
        'it belongs to another federation or checkout, or was restored under other keys. The node will not adopt another log: ' +
        "point DATABASE_URL at this node's own database, or reset it (deploy/local/federation.sh reset).",
    );
  }

  /** The size of a stored checkpoint (the first or the latest) not signed by our key or one the directory has listed for us, else null. */
  async foreignCheckpoint(): Promise<number | null> {
    const ours = [{ jwk: ed25519PublicJwk(this.keyring.signingPublicKey) }, ...asLogKeys(everSigningKeysOf(this.trust.current(), this.config.agency))];
    for (const cp of [...(await this.repo.checkpointPage(-1, Number.MAX_SAFE_INTEGER, undefined, 1)), await this.repo.latestCheckpoint()]) {
      if (cp !== null && !noteSignedBy(cp.note, this.origin, ours)) return cp.size;
    }
    return null;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      const head = this.integrity.headSeen();
      if (head === null || head !== this.roundHead || this.clock.now().getTime() >= this.nextRoundAt) void this.tick();
    }, 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One round: a new checkpoint when due, otherwise republish an unwitnessed one now and then. Never
   * throws. Replicas of the node take turns (an advisory lock): one signs and publishes while the
   * others skip the round, so checkpoints are made in size order, once, whichever replica is alive.
   */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.transactions
      .exclusive('checkpointRound', () => this.round())
      .then(() => undefined)
      .catch((e: unknown) => this.logger.warn(`checkpoint round failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async round(): Promise<void> {
    const head = await this.ledger.head();
    const latest = await this.latest();
    const now = this.clock.now().getTime();
    const every = this.config.checkpoint;
    const position = {
      headSize: head.size,
      lastSize: BigInt(latest?.size ?? 0),
      lastAtMs: latest ? Date.parse(latest.createdAt) : this.startedAt,
      nowMs: now,
      everySeconds: every.everySeconds,
    };
    const due = checkpointDue({ ...position, everyEntries: every.everyEntries });
    this.roundHead = head.size;
    this.nextRoundAt = nextCheckpointRoundAt(position);
    if (due) {
      await this.checkpointNow();
    } else if (latest && now - this.lastPublishedAt >= every.everySeconds * 1000 && !(await this.status(latest.size))?.witnessed) {
      // Witnesses that were away (or a lost message) get another chance.
      await this.publish(latest);
    }
  }

  /**
   * Signs, stores and publishes a checkpoint of the current head (nothing when the log is empty or
   * unchanged). None while the self-audit sees damage: a checkpoint would sign the damage over.
   */
  async checkpointNow(): Promise<StoredCheckpoint | null> {
    if (this.integrity.damaged()) {
      if (!this.holding) this.logger.error('no new checkpoints while the ledger is damaged (GET /audit/integrity, docs/runbook-ledger-damage.md)');
      this.holding = true;
      return null;
    }
    this.holding = false;
    const head = await this.ledger.head();
    if (head.size === 0n) return null;
    const latest = await this.latest();
    if (latest && BigInt(latest.size) >= head.size) return latest;
    const body = checkpointBody({ origin: this.origin, size: head.size, rootHash: head.root });
    const note = signNote(body, this.origin, this.keyring.signingPrivateKey);
    const createdAt = this.clock.now().toISOString();
    // Replicas may race to the same size: the same key signs the same body to the same note.
    await this.repo.insertCheckpoint({ size: head.size, root: head.root, note, createdAt });
    const stored = await this.bySize(Number(head.size));
    if (stored === null) throw new Error('checkpoint vanished');
    if (stored.note !== note) this.logger.error(`LEDGER INTEGRITY ALERT: two different checkpoints for size ${head.size}`);
    await this.publish(stored);
    return stored;
  }

  private async publish(cp: StoredCheckpoint): Promise<void> {
    // A proof from every size a witness may hold: their last cosigned sizes and our earlier checkpoints.
    const proofs = [];
    for (const size of await this.repo.proofBaseSizes(cp.size)) {
      const proof = await this.ledger.consistencyProof(BigInt(size), BigInt(cp.size));
      proofs.push({ from: Number(size), proof: proof.map(encodeBase64) });
    }
    const message: CheckpointMessage = { type: 'checkpoint', origin: this.origin, agency: this.config.agency, note: cp.note, proofs };
    await this.publisher.publish([
      { topic: this.topics.checkpoints, key: this.origin, value: Buffer.from(JSON.stringify(message)), headers: { [TYPE_HEADER]: 'checkpoint' } },
    ]);
    this.lastPublishedAt = this.clock.now().getTime();
  }

  /** A witness's cosignature on one of our checkpoints: verified with its directory key, then kept. */
  async recordCosignature(m: CosignatureMessage): Promise<'stored' | 'ignored'> {
    if (m.origin !== this.origin) return 'ignored';
    const witness = agencyOfOrigin(m.witness);
    if (witness === null || witness === this.config.agency) return 'ignored';
    const cp = await this.bySize(m.size);
    if (cp === null) {
      this.logger.warn(`cosignature by ${witness} for unknown size ${m.size} ignored`);
      return 'ignored';
    }
    const keys = signingKeysOf(this.trust.current(), witness, this.clock.now());
    const note = addSignatureLines(cp.note, [m.line]);
    if (!keys.some((k) => verifyCosignature(note, m.witness, k.jwk as never).ok)) {
      this.logger.warn(`cosignature by ${witness} for size ${m.size} does not verify; ignored`);
      return 'ignored';
    }
    await this.repo.insertCosignature({ size: m.size, witness, line: m.line.endsWith('\n') ? m.line.slice(0, -1) : m.line, verifiedAt: this.clock.now().toISOString() });
    return 'stored';
  }

  /** A witness refused one of our checkpoints: keep the evidence (only when the refused note is really ours). */
  async recordAlert(m: AlertMessage): Promise<'stored' | 'ignored'> {
    if (m.origin !== this.origin) return 'ignored';
    const witness = agencyOfOrigin(m.witness);
    const ours = [{ jwk: ed25519PublicJwk(this.keyring.signingPublicKey) }];
    if (witness === null || !noteSignedBy(m.refusedNote, this.origin, ours)) return 'ignored';
    if (m.cosignedNote !== null && !noteSignedBy(m.cosignedNote, this.origin, ours)) return 'ignored';
    const inserted = await this.repo.insertAlert({
      origin: this.config.agency,
      witness,
      reason: m.reason,
      cosignedNote: m.cosignedNote,
      refusedNote: m.refusedNote,
      evidenceDigest: evidenceDigest(m.origin, m.witness, m.refusedNote),
      createdAt: this.clock.now().toISOString(),
    });
    if (inserted) this.logger.error(`LEDGER WITNESS ALERT: ${witness} refused our checkpoint (${m.reason})`);
    return 'stored';
  }

  async latest(): Promise<StoredCheckpoint | null> {
    const cp = await this.repo.latestCheckpoint();
    return cp === null ? null : toStored(cp);
  }

  async bySize(size: number): Promise<StoredCheckpoint | null> {
    const cp = await this.repo.checkpointBySize(size);
    return cp === null ? null : toStored(cp);
  }

  /** A checkpoint with its cosignatures; `size` omitted: the latest. */
  async status(size?: number): Promise<CheckpointStatus | null> {
    const cp = size === undefined ? await this.latest() : await this.bySize(size);
    if (cp === null) return null;
    const rows = await this.repo.cosignatures(cp.size);
    const quorum = this.config.checkpoint.witnessQuorum;
    return {
      ...cp,
      cosignedNote: addSignatureLines(cp.note, rows.map((r) => r.line)),
      cosignatures: rows.map((r) => ({ witness: r.witness, verifiedAt: r.verifiedAt.toISOString() })),
      quorum,
      witnessed: rows.length >= quorum,
    };
  }

  /** The latest checkpoint with at least `quorum` cosignatures. */
  async latestWitnessed(): Promise<CheckpointStatus | null> {
    const size = await this.repo.latestWitnessedSize(this.config.checkpoint.witnessQuorum);
    return size === null ? null : this.status(size);
  }
}

function toStored(r: CheckpointRecord): StoredCheckpoint {
  return { size: r.size, rootHash: r.root.toString('hex'), note: r.note, createdAt: r.createdAt.toISOString() };
}
