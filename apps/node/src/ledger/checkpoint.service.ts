// The origin side of witnessing: sign checkpoints of our log every N entries or T seconds,
// publish them with consistency proofs for each witness, record the cosignatures and alerts
// that come back.
import { createHash } from 'crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgencyKeyring, TrustStore } from '@liaison/envelope';
import { addSignatureLines, checkpointBody, encodeBase64, signNote, verifyCosignature } from '@liaison/ledger';
import { FederationTopics, MessagePublisher } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG, PUBLISHER } from '../tokens';
import {
  AlertMessage,
  CheckpointMessage,
  CosignatureMessage,
  TYPE_HEADER,
  agencyOfOrigin,
  checkpointDue,
  noteSignedBy,
  originOf,
  signingKeysOf,
} from './checkpoint.protocol';
import { LedgerService } from './ledger.service';

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

export type LedgerConfig = Pick<NodeConfig, 'agency' | 'checkpoint'>;

export function evidenceDigest(origin: string, witness: string, refusedNote: string): string {
  return createHash('sha256').update(`${origin}\n${witness}\n${refusedNote}`).digest('hex');
}

@Injectable()
export class CheckpointService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerCheckpoints');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly startedAt: number;
  private lastPublishedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    @Inject(PUBLISHER) private readonly publisher: MessagePublisher,
    @Inject(NODE_CONFIG) private readonly config: LedgerConfig,
    private readonly keyring: AgencyKeyring,
    private readonly trust: TrustStore,
    private readonly topics: FederationTopics,
  ) {
    this.startedAt = clock.now().getTime();
  }

  get origin(): string {
    return originOf(this.config.agency);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round: a new checkpoint when due, otherwise republish an unwitnessed one now and then. Never throws. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.round()
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
    const due = checkpointDue({
      headSize: head.size,
      lastSize: BigInt(latest?.size ?? 0),
      lastAtMs: latest ? Date.parse(latest.createdAt) : this.startedAt,
      nowMs: now,
      everyEntries: every.everyEntries,
      everySeconds: every.everySeconds,
    });
    if (due) {
      await this.checkpointNow();
    } else if (latest && now - this.lastPublishedAt >= every.everySeconds * 1000 && !(await this.status(latest.size))?.witnessed) {
      // Witnesses that were away (or a lost message) get another chance.
      await this.publish(latest);
    }
  }

  /** Signs, stores and publishes a checkpoint of the current head (nothing when the log is empty or unchanged). */
  async checkpointNow(): Promise<StoredCheckpoint | null> {
    const head = await this.ledger.head();
    if (head.size === 0n) return null;
    const latest = await this.latest();
    if (latest && BigInt(latest.size) >= head.size) return latest;
    const body = checkpointBody({ origin: this.origin, size: head.size, rootHash: head.root });
    const note = signNote(body, this.origin, this.keyring.signingPrivateKey);
    const createdAt = this.clock.now().toISOString();
    // Replicas may race to the same size: the same key signs the same body to the same note.
    await this.dataSource.query('INSERT INTO ledger_checkpoint (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING', [
      head.size.toString(),
      Buffer.from(head.root),
      note,
      createdAt,
    ]);
    const stored = await this.bySize(Number(head.size));
    if (stored === null) throw new Error('checkpoint vanished');
    if (stored.note !== note) this.logger.error(`LEDGER INTEGRITY ALERT: two different checkpoints for size ${head.size}`);
    await this.publish(stored);
    return stored;
  }

  private async publish(cp: StoredCheckpoint): Promise<void> {
    // A proof from every size a witness may hold: their last cosigned sizes and our earlier checkpoints.
    const rows = (await this.dataSource.query(
      `SELECT size FROM (SELECT max(checkpoint_size) AS size FROM ledger_cosignature GROUP BY witness
        UNION SELECT size FROM (SELECT size FROM ledger_checkpoint WHERE size < $1 ORDER BY size DESC LIMIT 4) recent) s
        WHERE size > 0 AND size < $1 ORDER BY size DESC LIMIT 32`,
      [cp.size],
    )) as { size: string }[];
    const proofs = [];
    for (const { size } of rows) {
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
    await this.dataSource.query(
      'INSERT INTO ledger_cosignature (checkpoint_size, witness, line, verified_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [m.size, witness, m.line.endsWith('\n') ? m.line.slice(0, -1) : m.line, this.clock.now().toISOString()],
    );
    return 'stored';
  }

  /** A witness refused one of our checkpoints: keep the evidence (only when the refused note is really ours). */
  async recordAlert(m: AlertMessage): Promise<'stored' | 'ignored'> {
    if (m.origin !== this.origin) return 'ignored';
    const witness = agencyOfOrigin(m.witness);
    const ours = [{ jwk: this.keyring.signingPublicJwk as never }];
    if (witness === null || !noteSignedBy(m.refusedNote, this.origin, ours)) return 'ignored';
    if (m.cosignedNote !== null && !noteSignedBy(m.cosignedNote, this.origin, ours)) return 'ignored';
    const inserted = await this.dataSource.query(
      `INSERT INTO witness_alert (origin, witness, reason, cosigned_note, refused_note, evidence_digest, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (evidence_digest) DO NOTHING RETURNING id`,
      [this.config.agency, witness, m.reason, m.cosignedNote, m.refusedNote, evidenceDigest(m.origin, m.witness, m.refusedNote), this.clock.now().toISOString()],
    );
    if (inserted.length > 0) this.logger.error(`LEDGER WITNESS ALERT: ${witness} refused our checkpoint (${m.reason})`);
    return 'stored';
  }

  async latest(): Promise<StoredCheckpoint | null> {
    const rows = await this.dataSource.query('SELECT size, root, note, created_at FROM ledger_checkpoint ORDER BY size DESC LIMIT 1');
    return rows.length === 0 ? null : toStored(rows[0]);
  }

  async bySize(size: number): Promise<StoredCheckpoint | null> {
    const rows = await this.dataSource.query('SELECT size, root, note, created_at FROM ledger_checkpoint WHERE size = $1', [size]);
    return rows.length === 0 ? null : toStored(rows[0]);
  }

  /** A checkpoint with its cosignatures; `size` omitted: the latest. */
  async status(size?: number): Promise<CheckpointStatus | null> {
    const cp = size === undefined ? await this.latest() : await this.bySize(size);
    if (cp === null) return null;
    const rows = (await this.dataSource.query('SELECT witness, line, verified_at FROM ledger_cosignature WHERE checkpoint_size = $1 ORDER BY witness', [
      cp.size,
    ])) as { witness: string; line: string; verified_at: Date }[];
    const quorum = this.config.checkpoint.witnessQuorum;
    return {
      ...cp,
      cosignedNote: addSignatureLines(cp.note, rows.map((r) => r.line)),
      cosignatures: rows.map((r) => ({ witness: r.witness, verifiedAt: r.verified_at.toISOString() })),
      quorum,
      witnessed: rows.length >= quorum,
    };
  }

  /** The latest checkpoint with at least `quorum` cosignatures. */
  async latestWitnessed(): Promise<CheckpointStatus | null> {
    const rows = (await this.dataSource.query(
      `SELECT c.size FROM ledger_checkpoint c LEFT JOIN ledger_cosignature s ON s.checkpoint_size = c.size
        GROUP BY c.size HAVING count(s.witness) >= $1 ORDER BY c.size DESC LIMIT 1`,
      [this.config.checkpoint.witnessQuorum],
    )) as { size: string }[];
    return rows.length === 0 ? null : this.status(Number(rows[0].size));
  }
}

function toStored(r: { size: string; root: Buffer; note: string; created_at: Date }): StoredCheckpoint {
  return { size: Number(r.size), rootHash: r.root.toString('hex'), note: r.note, createdAt: r.created_at.toISOString() };
}
