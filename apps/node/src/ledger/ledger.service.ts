// The sequencer of the agency's log: appends inside the caller's transaction, serialised by a
// row lock on ledger_head, and answers tree questions (roots, proofs) from the stored tree.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  LedgerEntry,
  MerkleTreeBuilder,
  bytesEqual,
  consistencyProof,
  entryLeafHash,
  inclusionProof,
  merkleRoot,
  validateEntry,
} from '@liaison/ledger';
import { Queryable } from '../persistence/queryable';
import { Clock } from '../tokens';
import { LedgerEventInput, LedgerWriter } from './ledger.port';
import { appendLeaves, foldSubtree, frontierRoot, planSubtree } from './tree';


export interface LedgerHead {
  size: bigint;
  frontier: Uint8Array[];
  root: Uint8Array;
}

export interface SelfCheckReport {
  ok: boolean;
  /** Entries the table holds (the tree the rows describe). */
  rows: number;
  headSize: number;
  /** First seq whose stored leaf hash does not match its fields, or whose seq breaks the sequence. */
  firstMismatch: number | null;
  problems: string[];
}

/** Rows read per round trip when streaming the table (keyset pages: memory stays flat). */
export const PAGE_ROWS = 5000;

export const ENTRY_COLUMNS =
  'seq, time, event, message_id, kind, counterpart, channel_sender, channel_recipient, channel_seq, digest, re, actor, reason';

interface EntryDbRow {
  seq: string;
  time: Date;
  event: string;
  message_id: string | null;
  kind: string | null;
  counterpart: string | null;
  channel_sender: string | null;
  channel_recipient: string | null;
  channel_seq: string | null;
  digest: string | null;
  re: string | null;
  actor: string | null;
  reason: string | null;
  leaf_hash?: Buffer;
}

/** A table row as the entry it encodes (what the leaf hash covers). */
export function rowToEntry(r: EntryDbRow): LedgerEntry {
  return {
    seq: Number(r.seq),
    time: r.time instanceof Date ? r.time.toISOString() : new Date(r.time).toISOString(),
    event: r.event as LedgerEntry['event'],
    messageId: r.message_id,
    kind: r.kind,
    counterpart: r.counterpart,
    channel:
      r.channel_sender === null || r.channel_recipient === null || r.channel_seq === null
        ? null
        : { sender: r.channel_sender, recipient: r.channel_recipient, seq: Number(r.channel_seq) },
    digest: r.digest,
    re: r.re,
    actor: r.actor,
    reason: r.reason,
  };
}

const INSERT_SQL = `
  WITH entries AS (
    INSERT INTO ledger_entry (${ENTRY_COLUMNS}, leaf_hash)
    SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[])
  ), nodes AS (
    INSERT INTO ledger_node (level, idx, hash)
    SELECT * FROM unnest($15::smallint[], $16::bigint[], $17::bytea[])
    ON CONFLICT (level, idx) DO NOTHING
  )
  UPDATE ledger_head SET size = $18, frontier = $19::bytea[], updated_at = now() WHERE id = 1`;

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

@Injectable()
export class LedgerService extends LedgerWriter implements OnModuleInit {
  private readonly logger = new Logger('Ledger');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.selfCheck({ repair: true });
  }

  /**
   * Appends `events` with consecutive seqs. Inside the caller's transaction when it has one;
   * the head row lock is held until that transaction ends, so appenders (and replicas) queue.
   */
  async append(manager: EntityManager, events: LedgerEventInput[]): Promise<void> {
    if (events.length === 0) return;
    if (manager.queryRunner?.isTransactionActive !== true) {
      await manager.transaction((tx) => this.appendLocked(tx, events));
      return;
    }
    await this.appendLocked(manager, events);
  }

  /** Same as append, returning the entries written (tests, bench). */
  async appendEntries(manager: EntityManager, events: LedgerEventInput[]): Promise<LedgerEntry[]> {
    if (manager.queryRunner?.isTransactionActive !== true) return manager.transaction((tx) => this.appendLocked(tx, events));
    return this.appendLocked(manager, events);
  }

  private async appendLocked(q: Queryable, events: LedgerEventInput[]): Promise<LedgerEntry[]> {
    const [head] = (await q.query('SELECT size, frontier FROM ledger_head WHERE id = 1 FOR UPDATE')) as { size: string; frontier: Buffer[] }[];
    if (head === undefined) throw new Error('ledger_head is missing: run the migrations');
    const size = BigInt(head.size);
    const time = this.clock.now().toISOString();
    const entries: LedgerEntry[] = [];
    const leaves: Uint8Array[] = [];
    events.forEach((e, i) => {
      const entry: LedgerEntry = {
        seq: Number(size) + i,
        time,
        event: e.event,
        messageId: e.messageId ?? null,
        kind: e.kind ?? null,
        counterpart: e.counterpart ?? null,
        channel: e.channel === null || e.channel === undefined ? null : { sender: e.channel.sender, recipient: e.channel.recipient, seq: e.channel.seq },
        digest: e.digest ?? null,
        re: e.re ?? null,
        actor: e.actor ?? null,
        reason: e.reason ?? null,
      };
      const valid = validateEntry(entry);
      // The caller's bug, not the auditor's problem: nothing unverifiable enters the log.
      if (!valid.ok) throw new TypeError(`ledger event ${i}: ${valid.error}`);
      entries.push(entry);
      leaves.push(entryLeafHash(entry));
    });
    const next = appendLeaves(size, head.frontier, leaves);
    const col = <T>(f: (e: LedgerEntry) => T): T[] => entries.map(f);
    await q.query(INSERT_SQL, [
      col((e) => e.seq),
      col((e) => e.time),
      col((e) => e.event),
      col((e) => e.messageId),
      col((e) => e.kind),
      col((e) => e.counterpart),
      col((e) => e.channel?.sender ?? null),
      col((e) => e.channel?.recipient ?? null),
      col((e) => e.channel?.seq ?? null),
      col((e) => e.digest),
      col((e) => e.re),
      col((e) => e.actor),
      col((e) => e.reason),
      leaves.map(toBuffer),
      next.nodes.map((n) => n.level),
      next.nodes.map((n) => n.index.toString()),
      next.nodes.map((n) => toBuffer(n.hash)),
      next.size.toString(),
      next.frontier.map(toBuffer),
    ]);
    return entries;
  }

  /** The committed head: size, compact range and root (O(log n)). */
  async head(q: Queryable = this.dataSource): Promise<LedgerHead> {
    const [row] = (await q.query('SELECT size, frontier FROM ledger_head WHERE id = 1')) as { size: string; frontier: Buffer[] }[];
    if (row === undefined) throw new Error('ledger_head is missing: run the migrations');
    const size = BigInt(row.size);
    return { size, frontier: row.frontier, root: frontierRoot(size, row.frontier) };
  }

  /** MTH(D[start:end]) from stored interior nodes and at most 255 leaf hashes (or all leaves for odd ranges). */
  async subtreeHash(start: bigint, end: bigint, q: Queryable = this.dataSource): Promise<Uint8Array> {
    const plan = planSubtree(start, end);
    if (plan === null) return this.leafRangeRoot(start, end, q);
    const pieces: Uint8Array[] = [];
    if (plan.nodes.length > 0) {
      const rows = (await q.query(
        'SELECT level, idx, hash FROM ledger_node WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))',
        [plan.nodes.map((n) => n.level), plan.nodes.map((n) => n.index.toString())],
      )) as { level: number; idx: string; hash: Buffer }[];
      const found = new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
      for (const n of plan.nodes) {
        const h = found.get(`${n.level}:${n.index}`);
        if (h === undefined) throw new Error(`ledger_node ${n.level}:${n.index} is missing`);
        pieces.push(h);
      }
    }
    if (plan.tail.end > plan.tail.start) pieces.push(await this.leafRangeRoot(plan.tail.start, plan.tail.end, q));
    return foldSubtree(pieces);
  }

  /** Root over stored leaf hashes [start, end), streamed in pages. */
  private async leafRangeRoot(start: bigint, end: bigint, q: Queryable): Promise<Uint8Array> {
    const small: Uint8Array[] = [];
    const builder = new MerkleTreeBuilder();
    let at = start;
    while (at < end) {
      const rows = (await q.query('SELECT seq, leaf_hash FROM ledger_entry WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT $3', [
        at.toString(),
        end.toString(),
        PAGE_ROWS,
      ])) as { seq: string; leaf_hash: Buffer }[];
      for (const r of rows) {
        if (BigInt(r.seq) !== at) throw new Error(`ledger entry ${at} is missing`);
        if (end - start <= 512n) small.push(r.leaf_hash);
        else builder.append(r.leaf_hash);
        at++;
      }
      if (rows.length === 0) throw new Error(`ledger entry ${at} is missing`);
    }
    return end - start <= 512n ? merkleRoot(small) : builder.root();
  }

  /** Size bound for proofs: the committed head. */
  private async checkSize(size: bigint, q: Queryable): Promise<void> {
    const head = await this.head(q);
    if (size > head.size) throw new RangeError(`tree size ${size} is beyond the log's size ${head.size}`);
  }

  async inclusionProof(seq: bigint, size: bigint, q: Queryable = this.dataSource): Promise<Uint8Array[]> {
    await this.checkSize(size, q);
    return inclusionProof(seq, size, (s, e) => this.subtreeHash(s, e, q));
  }

  async consistencyProof(from: bigint, to: bigint, q: Queryable = this.dataSource): Promise<Uint8Array[]> {
    await this.checkSize(to, q);
    return consistencyProof(from, to, (s, e) => this.subtreeHash(s, e, q));
  }

  /** Root of the tree at any committed size. */
  async rootAt(size: bigint, q: Queryable = this.dataSource): Promise<Uint8Array> {
    const head = await this.head(q);
    if (size === head.size) return head.root;
    await this.checkSize(size, q);
    return size === 0n ? merkleRoot([]) : this.subtreeHash(0n, size, q);
  }

  /** Entries with from <= seq < to, in seq order, read in keyset pages. */
  async *entries(from: bigint, to: bigint, q: Queryable = this.dataSource, withLeaf = false): AsyncGenerator<{ entry: LedgerEntry; leafHash?: Buffer }> {
    let at = from;
    while (at < to) {
      const rows = (await q.query(
        `SELECT ${ENTRY_COLUMNS}${withLeaf ? ', leaf_hash' : ''} FROM ledger_entry WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT $3`,
        [at.toString(), to.toString(), PAGE_ROWS],
      )) as EntryDbRow[];
      if (rows.length === 0) return;
      for (const r of rows) yield withLeaf ? { entry: rowToEntry(r), leafHash: r.leaf_hash } : { entry: rowToEntry(r) };
      at = BigInt(rows[rows.length - 1].seq) + 1n;
    }
  }

  /**
   * Recomputes every leaf hash from the row's fields and the root from those, and compares with
   * the stored leaf hashes and the head. A mismatch is logged as an alert (no entry content) and,
   * with `repair`, the head is reset to what the rows say: the next checkpoint then commits to
   * the rewritten history, and witnesses refuse it.
   */
  async selfCheck(options: { repair?: boolean } = {}): Promise<SelfCheckReport> {
    // A consistent snapshot without the head lock: replicas keep appending while one starts.
    const first = await this.dataSource.transaction('REPEATABLE READ', (tx) => this.scan(tx, false));
    if (first.report.ok) {
      this.logger.log(`ledger self-check passed: ${first.report.rows} entries`);
      return first.report;
    }
    // Only a failed check takes the lock, and scans again under it before repairing.
    return this.dataSource.transaction(async (tx) => {
      const { report, builder } = await this.scan(tx, true);
      if (report.ok) return report; // repaired meanwhile by another replica
      // Alert without content: seqs and counts only.
      this.logger.error(`LEDGER INTEGRITY ALERT: ${report.problems.join('; ')}${options.repair ? '; continuing from what the rows say' : ''}`);
      if (options.repair) {
        await tx.query('UPDATE ledger_head SET size = $1, frontier = $2::bytea[], updated_at = now() WHERE id = 1', [
          builder.size.toString(),
          builder.frontier().map(toBuffer),
        ]);
      }
      return report;
    });
  }

  private async scan(tx: Queryable, lock: boolean): Promise<{ report: SelfCheckReport; builder: MerkleTreeBuilder }> {
    const head = await tx.query(`SELECT size, frontier FROM ledger_head WHERE id = 1${lock ? ' FOR UPDATE' : ''}`);
    const headSize = BigInt(head[0].size);
    const headRoot = frontierRoot(headSize, head[0].frontier);
    const builder = new MerkleTreeBuilder();
    const problems: string[] = [];
    let firstMismatch: number | null = null;
    const mismatch = (seq: number, problem: string) => {
      if (firstMismatch === null) firstMismatch = seq;
      if (problems.length < 20) problems.push(problem);
    };
    let expected = 0n;
    for await (const { entry, leafHash } of this.entries(0n, 1n << 62n, tx, true)) {
      if (BigInt(entry.seq) !== expected) mismatch(Number(expected), `seq ${entry.seq} where ${expected} was expected`);
      const leaf = entryLeafHash(entry);
      if (!bytesEqual(leaf, leafHash as Buffer)) mismatch(entry.seq, `entry ${entry.seq}: fields do not match the stored leaf hash`);
      builder.append(leaf);
      expected = BigInt(entry.seq) + 1n;
    }
    const rows = Number(builder.size);
    if (builder.size !== headSize) mismatch(Math.min(rows, Number(headSize)), `the table holds ${rows} entries, the head says ${headSize}`);
    else if (!bytesEqual(builder.root(), headRoot)) mismatch(0, 'the root recomputed from the entries differs from the head');
    return { report: { ok: problems.length === 0, rows, headSize: Number(headSize), firstMismatch, problems }, builder };
  }
}
