// The node's continuous audit of its own stored ledger. It re-derives every leaf hash from the
// stored entries and checks the stored leaves against the head and the signed checkpoints:
// - every append checks the rows at the head under the sequencer's lock (one index lookup);
// - every second, one statement looks at the tail (head size, highest stored seq); when it is not
//   what the last check verified, the entries appended since are re-derived (a "follow");
// - a background sweep re-reads the whole log at a bounded rate, then pauses and starts again.
// Damage is named (which entries, what kind), counted, alerted (signed, stored with the witness
// alerts and published on the checkpoints topic) and turns readiness off; checkpoints stop. The
// log is never changed here: repairing is an operator's decision (docs/runbook-ledger-damage.md).
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AgencyKeyring } from '@liaison/envelope';
import { Damage, SelfAudit, frontierRoot, signNote, tailUnchanged } from '@liaison/ledger';
import { FederationTopics, MessagePublisher } from '@liaison/transport';
import { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG, PUBLISHER } from '../tokens';
import { AlertMessage, TYPE_HEADER, evidenceDigest, originOf } from './checkpoint.protocol';
import { LedgerConfig } from './ledger.config';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerRepository, PAGE_ROWS } from './ledger.repository';

/** Alert reasons of a node about its own log: `ledger_damage:<kind>`. */
export const DAMAGE_REASON_PREFIX = 'ledger_damage:';

export interface IntegrityReport {
  ok: boolean;
  /** The head's size in the snapshot audited. */
  headSize: number;
  /** Entry rows read (all of them, beyond the head too). */
  checkedEntries: number;
  damage: Damage[];
  /** Damage items beyond the ones listed. */
  more: number;
  checkedAt: string;
}

export interface IntegrityStatus {
  ok: boolean;
  /** The damage currently known, from appends, the follow and the last sweep. */
  damage: Damage[];
  sweep: { running: boolean; position: number; target: number; lastCompletedAt: string | null; lastCleanAt: string | null };
  entriesPerSecond: number;
}

interface Sweep {
  audit: SelfAudit;
  head: { size: bigint; root: Uint8Array };
  checked: number;
}

function damageKey(d: Damage): string {
  return `${d.kind}:${d.seq}:${d.toSeq ?? d.seq}`;
}

/** The signed statement of one damage: origin, what, where (no entry content). */
export function damageStatement(origin: string, d: Damage): string {
  return `${origin}\nledger-damage\n${d.kind} ${d.seq}${d.toSeq === undefined ? '' : `-${d.toSeq}`}\n`;
}

@Injectable()
export class LedgerIntegrity implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerIntegrity');
  private readonly known = new Map<string, Damage>();
  /** Known damage whose alert is stored and published. */
  private readonly alerted = new Set<string>();
  /** The compact range the follow has reached; null until the first round (the sweep covers what came before). */
  private verified: { size: bigint; frontier: Uint8Array[] } | null = null;
  /** What the last follow saw at the head (a sweep does not look beyond the head it started from). */
  private followDamage: Damage[] = [];
  private sweep: Sweep | null = null;
  private nextSweepAt = 0;
  private lastCompletedAt: Date | null = null;
  private lastCleanAt: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** The committed head's size at the last look (null before the first). */
  private seenHead: bigint | null = null;

  constructor(
    private readonly repo: LedgerRepository,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: LedgerConfig,
    private readonly metrics: LedgerMetrics,
    private readonly keyring: AgencyKeyring,
    @Inject(PUBLISHER) private readonly publisher: MessagePublisher,
    private readonly topics: FederationTopics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The committed head's size at the self-audit's last look (every second), null before the first. */
  headSeen(): bigint | null {
    return this.seenHead;
  }

  /** Whether any damage is known: checkpoints stop and readiness is off while it is. */
  damaged(): boolean {
    return this.known.size > 0;
  }

  status(): IntegrityStatus {
    return {
      ok: this.known.size === 0,
      damage: [...this.known.values()].sort((a, b) => a.seq - b.seq),
      sweep: {
        running: this.sweep !== null,
        position: Number(this.sweep?.audit.position ?? 0n),
        target: Number(this.sweep?.head.size ?? 0n),
        lastCompletedAt: this.lastCompletedAt?.toISOString() ?? null,
        lastCleanAt: this.lastCleanAt?.toISOString() ?? null,
      },
      entriesPerSecond: this.config.selfAudit.entriesPerSecond,
    };
  }

  /** One round: follow the new entries (if the tail moved), advance the sweep by one second's budget. Never throws. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      if (await this.tailMoved()) await this.follow();
      await this.advanceSweep(this.config.selfAudit.entriesPerSecond);
    })()
      .catch((e: unknown) => this.logger.warn(`self-audit round failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * The rows at the head under the sequencer's lock: the last entry the head counts must be there
   * and nothing beyond it. Returns the damage (also reported); an insertion makes appending impossible.
   */
  async checkAppendPoint(q: Queryable | undefined, size: bigint): Promise<Damage | null> {
    const d = await this.appendPointDamage(q, size);
    if (d !== null) void this.report([d]);
    return d;
  }

  private async appendPointDamage(q: Queryable | undefined, size: bigint): Promise<Damage | null> {
    const around = await this.repo.seqsFrom(size === 0n ? 0n : size - 1n, 2, q);
    const beyond = around.find((s) => s >= size);
    if (beyond !== undefined) return { kind: 'inserted', seq: Number(beyond), detail: `entry ${beyond} is beyond the head (size ${size}): the sequencer never wrote it` };
    if (size > 0n && around[0] !== size - 1n) {
      const last = await this.repo.lastSeqBelow(size, q);
      const from = last === null ? 0n : last + 1n;
      return { kind: 'truncated', seq: Number(from), toSeq: Number(size - 1n), detail: `entries ${from}..${size - 1n} are missing at the end of the log (the head says ${size})` };
    }
    return null;
  }

  /** One statement: false when the tail is what the last follow verified (then the append point is intact too). */
  private async tailMoved(): Promise<boolean> {
    if (this.verified === null) return true;
    const tail = await this.repo.tail();
    this.seenHead = tail.size;
    if (!tailUnchanged(this.verified.size, tail)) return true;
    this.followDamage = []; // what a follow would find at the head now: nothing
    return false;
  }

  /** Re-derives the entries appended since the last follow, against the head and new checkpoints. */
  private async follow(): Promise<void> {
    const found = await this.repo.snapshot(async (q) => {
      const head = await this.repo.head(q);
      const damage: Damage[] = [];
      const tail = await this.appendPointDamage(q, head.size);
      if (tail !== null) damage.push(tail);
      const from = this.verified ?? head;
      if (head.size < from.size) {
        damage.push({ kind: 'truncated', seq: Number(head.size), toSeq: Number(from.size - 1n), detail: `the head went back from ${from.size} to ${head.size}` });
      } else if (head.size > from.size) {
        const audit = new SelfAudit(from);
        audit.expectRoots(await this.repo.checkpointPage(Number(from.size), Number(head.size) + 1, q));
        for (let at = from.size; at < head.size; ) {
          const page = await this.repo.entryPage(at, head.size, q);
          if (page.length === 0) break;
          for (const r of page) audit.feed(r, head.size);
          at = BigInt(page[page.length - 1].entry.seq) + 1n;
        }
        damage.push(...audit.finish({ size: head.size, root: frontierRoot(head.size, head.frontier) }).damage);
      }
      // Damage found is kept in `known`; the follow goes on from the head the sequencer wrote.
      this.verified = { size: head.size, frontier: head.frontier };
      this.seenHead = head.size;
      return damage;
    });
    this.followDamage = found.filter((d) => d.kind === 'inserted' || d.kind === 'truncated');
    await this.report(found);
  }

  /** Reads up to `budget` entries of the running sweep (starting one when due). */
  private async advanceSweep(budget: number): Promise<void> {
    const now = this.clock.now().getTime();
    if (this.sweep === null) {
      if (now < this.nextSweepAt) return;
      const head = await this.repo.head();
      const audit = new SelfAudit();
      audit.expectRoots(await this.repo.checkpointRoots());
      this.sweep = { audit, head: { size: head.size, root: frontierRoot(head.size, head.frontier) }, checked: 0 };
    }
    const sweep = this.sweep;
    let left = budget;
    while (left > 0 && sweep.audit.position < sweep.head.size) {
      const from = sweep.audit.position;
      const page = await this.repo.entryPage(from, sweep.head.size, undefined, Math.min(left, PAGE_ROWS));
      if (page.length === 0) break; // the rest is gone: finish() names it
      for (const r of page) sweep.audit.feed(r, sweep.head.size);
      sweep.checked += page.length;
      left -= page.length;
      this.metrics.auditedEntries.inc(page.length);
      this.metrics.sweepPosition.set(Number(sweep.audit.position));
    }
    if (left > 0 || sweep.audit.position >= sweep.head.size) await this.completeSweep(sweep);
  }

  private async completeSweep(sweep: Sweep): Promise<void> {
    this.sweep = null;
    this.nextSweepAt = this.clock.now().getTime() + this.config.selfAudit.pauseSeconds * 1000;
    const { damage } = sweep.audit.finish(sweep.head);
    this.lastCompletedAt = this.clock.now();
    if (damage.length > 0) {
      await this.report(damage);
      return;
    }
    // A whole clean sweep after damage was seen: the operator has restored the log (except what
    // the follow still sees at the head, beyond the sweep's reach).
    const still = new Set(this.followDamage.map(damageKey));
    const gone = [...this.known.keys()].filter((k) => !still.has(k));
    if (gone.length > 0) {
      this.logger.warn(`ledger self-audit: damage reported earlier is no longer seen (${gone.join(', ')})`);
      for (const k of gone) {
        this.known.delete(k);
        this.alerted.delete(k);
      }
      this.metrics.damage.reset();
      this.countDamage();
    }
    if (this.known.size > 0) return;
    this.lastCleanAt = this.lastCompletedAt;
    this.metrics.lastCleanSweep.set(Math.floor(this.lastCleanAt.getTime() / 1000));
  }

  /** The operator's command: a full audit now, unthrottled, in one consistent snapshot. Changes nothing. */
  async auditNow(): Promise<IntegrityReport> {
    const report = await this.repo.snapshot(async (q) => {
      const head = await this.repo.head(q);
      const audit = new SelfAudit();
      let checked = 0;
      audit.expectRoots(await this.repo.checkpointRoots(q));
      for (let at = 0n; ; ) {
        const page = await this.repo.entryPage(at, 1n << 62n, q);
        if (page.length === 0) break;
        for (const r of page) audit.feed(r, head.size);
        checked += page.length;
        at = BigInt(page[page.length - 1].entry.seq) + 1n;
      }
      const { damage, more } = audit.finish({ size: head.size, root: frontierRoot(head.size, head.frontier) });
      return { ok: damage.length === 0, headSize: Number(head.size), checkedEntries: checked, damage, more, checkedAt: this.clock.now().toISOString() };
    });
    await this.report(report.damage);
    return report;
  }

  /** New damage: logged (seqs and kinds only), counted; every known item alerted once (retried until it is). */
  private async report(found: readonly Damage[]): Promise<void> {
    const fresh = found.filter((d) => !this.known.has(damageKey(d)));
    for (const d of fresh) {
      this.known.set(damageKey(d), d);
      this.metrics.damageFound.inc({ kind: d.kind });
      this.logger.error(`LEDGER INTEGRITY ALERT: ${d.kind} at ${d.seq}${d.toSeq === undefined ? '' : `..${d.toSeq}`}: ${d.detail}`);
    }
    if (fresh.length > 0) this.countDamage();
    for (const [key, d] of this.known) {
      if (this.alerted.has(key)) continue;
      try {
        await this.alert(d);
        this.alerted.add(key);
      } catch (e) {
        this.logger.warn(`ledger damage alert not raised yet (retried): ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
  }

  private countDamage(): void {
    const counts = new Map<string, number>();
    for (const d of this.known.values()) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
    for (const [kind, n] of counts) this.metrics.damage.set({ kind }, n);
  }

  /** A signed damage statement, kept with the witness alerts and published to the peers. */
  private async alert(d: Damage): Promise<void> {
    const origin = originOf(this.config.agency);
    const statement = signNote(damageStatement(origin, d), origin, this.keyring.signingPrivateKey);
    const lastSigned = (await this.repo.latestCheckpoint())?.note ?? null;
    const reason = `${DAMAGE_REASON_PREFIX}${d.kind}`;
    const digest = evidenceDigest(origin, origin, statement);
    if (await this.repo.alertExists(digest)) return; // raised before (another replica, an earlier run)
    // Published first: a crash in between publishes again; peers keep one alert per digest.
    const message: AlertMessage = { type: 'alert', origin, witness: origin, reason, cosignedNote: lastSigned, refusedNote: statement };
    await this.publisher.publish([
      { topic: this.topics.checkpoints, key: origin, value: Buffer.from(JSON.stringify(message)), headers: { [TYPE_HEADER]: 'alert' } },
    ]);
    await this.repo.insertAlert({
      origin: this.config.agency,
      witness: this.config.agency,
      reason,
      cosignedNote: lastSigned,
      refusedNote: statement,
      evidenceDigest: digest,
      createdAt: this.clock.now().toISOString(),
    });
  }
}
