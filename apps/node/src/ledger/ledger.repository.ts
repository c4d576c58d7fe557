// Every statement the ledger runs, with plain inputs and outputs: entries, interior nodes, the
// head, checkpoints, cosignatures, witness state and alerts. Services decide; this file talks
// to PostgreSQL. Methods that may run inside a caller's transaction take a Queryable.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LEDGER_DATA_SOURCE } from '../tokens';
import { LedgerEntry, TreeNode } from '@liaison/ledger';
import { Queryable } from '../persistence/queryable';
import { EntryFilter, entryFilterSql } from './audit.query';

/** Rows read per round trip when streaming the table (keyset pages: memory stays flat). */
export const PAGE_ROWS = 5000;

const ENTRY_COLUMNS =
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
  leaf_hash: Buffer;
}

/** An entry as stored: its fields and the leaf hash written when it was appended. */
export interface StoredEntry {
  entry: LedgerEntry;
  leafHash: Buffer;
}

export interface HeadRecord {
  size: bigint;
  frontier: Buffer[];
}

export interface CheckpointRecord {
  size: number;
  root: Buffer;
  note: string;
  createdAt: Date;
}

export interface CosignatureRecord {
  witness: string;
  line: string;
  verifiedAt: Date;
}

export interface WitnessStateRecord {
  size: bigint;
  root: Buffer;
  note: string;
  /** When this node last cosigned the log (its clock). */
  cosignedAt: Date;
}

export interface AlertInput {
  /** The agency whose log the alert is about. */
  origin: string;
  /** The agency that raised it. */
  witness: string;
  reason: string;
  cosignedNote: string | null;
  refusedNote: string;
  evidenceDigest: string;
  createdAt: string;
}

export interface AlertRecord {
  id: number;
  origin: string;
  witness: string;
  reason: string;
  cosignedNote: string | null;
  refusedNote: string;
  createdAt: string;
}

/** What one append writes: the entries, their leaf hashes, the interior nodes completed and the new head. */
export interface AppendWrite {
  entries: LedgerEntry[];
  leaves: Uint8Array[];
  nodes: TreeNode[];
  head: { size: bigint; frontier: Uint8Array[] };
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A table row as the entry it encodes (what the leaf hash covers). */
function rowToEntry(r: EntryDbRow): LedgerEntry {
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

function toStoredEntry(r: EntryDbRow): StoredEntry {
  return { entry: rowToEntry(r), leafHash: r.leaf_hash };
}

function toCheckpoint(r: { size: string; root: Buffer; note: string; created_at: Date }): CheckpointRecord {
  return { size: Number(r.size), root: r.root, note: r.note, createdAt: r.created_at };
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

@Injectable()
export class LedgerRepository {
  constructor(@Inject(LEDGER_DATA_SOURCE) private readonly db: DataSource) {}

  /** Runs `fn` in the caller's transaction when `manager` has one, else in a new one. */
  inTransaction<T>(manager: EntityManager, fn: (q: Queryable) => Promise<T>): Promise<T> {
    if (manager.queryRunner?.isTransactionActive === true) return fn(manager);
    return manager.transaction((tx) => fn(tx));
  }

  /** A consistent snapshot of the whole ledger without taking the head lock (appends go on). */
  snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', (tx) => fn(tx));
  }

  // ------------------------------------------------------------ head, entries, nodes

  /** The committed head (no lock). */
  async head(q: Queryable = this.db): Promise<HeadRecord> {
    const [row] = (await q.query('SELECT size, frontier FROM ledger_head WHERE id = 1')) as { size: string; frontier: Buffer[] }[];
    if (row === undefined) throw new Error('ledger_head is missing: run the migrations');
    return { size: BigInt(row.size), frontier: row.frontier };
  }

  /** The committed head's size and the highest stored seq, in one statement (the self-audit's look for anything new). */
  async tail(q: Queryable = this.db): Promise<{ size: bigint; lastSeq: bigint | null }> {
    const [row] = (await q.query('SELECT h.size, (SELECT max(seq) FROM ledger_entry) AS last_seq FROM ledger_head h WHERE h.id = 1')) as { size: string; last_seq: string | null }[];
    if (row === undefined) throw new Error('ledger_head is missing: run the migrations');
    return { size: BigInt(row.size), lastSeq: row.last_seq === null ? null : BigInt(row.last_seq) };
  }

  /**
   * The head under the sequencer's row lock (held until the transaction ends). Read the rows at
   * the head in a later statement: one that waited for the lock sees the new head but, in the
   * same statement, not the entries its previous holder committed.
   */
  async lockHead(q: Queryable): Promise<HeadRecord> {
    const [row] = (await q.query('SELECT size, frontier FROM ledger_head WHERE id = 1 FOR UPDATE')) as { size: string; frontier: Buffer[] }[];
    if (row === undefined) throw new Error('ledger_head is missing: run the migrations');
    return { size: BigInt(row.size), frontier: row.frontier };
  }

  /** Writes entries, completed nodes and the new head in one statement (the head lock is held by the caller). */
  async writeAppend(q: Queryable, w: AppendWrite): Promise<void> {
    const col = <T>(f: (e: LedgerEntry) => T): T[] => w.entries.map(f);
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
      w.leaves.map(toBuffer),
      w.nodes.map((n) => n.level),
      w.nodes.map((n) => n.index.toString()),
      w.nodes.map((n) => toBuffer(n.hash)),
      w.head.size.toString(),
      w.head.frontier.map(toBuffer),
    ]);
  }

  /** Stored interior nodes by `level:index`; absent ones are simply missing from the map. */
  async nodes(keys: readonly { level: number; index: bigint }[], q: Queryable = this.db): Promise<Map<string, Buffer>> {
    if (keys.length === 0) return new Map();
    const rows = (await q.query(
      'SELECT level, idx, hash FROM ledger_node WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))',
      [keys.map((n) => n.level), keys.map((n) => n.index.toString())],
    )) as { level: number; idx: string; hash: Buffer }[];
    return new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
  }

  /** One keyset page of leaf hashes with from <= seq < to. */
  async leafPage(from: bigint, to: bigint, q: Queryable = this.db): Promise<{ seq: bigint; leafHash: Buffer }[]> {
    const rows = (await q.query('SELECT seq, leaf_hash FROM ledger_entry WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT $3', [
      from.toString(),
      to.toString(),
      PAGE_ROWS,
    ])) as { seq: string; leaf_hash: Buffer }[];
    return rows.map((r) => ({ seq: BigInt(r.seq), leafHash: r.leaf_hash }));
  }

  /** One keyset page of entries with from <= seq < to, at most `limit`. */
  async entryPage(from: bigint, to: bigint, q: Queryable = this.db, limit = PAGE_ROWS): Promise<StoredEntry[]> {
    const rows = (await q.query(`SELECT ${ENTRY_COLUMNS}, leaf_hash FROM ledger_entry WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT $3`, [
      from.toString(),
      to.toString(),
      limit,
    ])) as EntryDbRow[];
    return rows.map(toStoredEntry);
  }

  /** The first `limit` seqs from `from` on (index lookups only). */
  async seqsFrom(from: bigint, limit: number, q: Queryable = this.db): Promise<bigint[]> {
    const rows = (await q.query('SELECT seq FROM ledger_entry WHERE seq >= $1 ORDER BY seq LIMIT $2', [from.toString(), limit])) as { seq: string }[];
    return rows.map((r) => BigInt(r.seq));
  }

  /** The highest seq below `size`, or null when there is none. */
  async lastSeqBelow(size: bigint, q: Queryable = this.db): Promise<bigint | null> {
    const rows = (await q.query('SELECT seq FROM ledger_entry WHERE seq < $1 ORDER BY seq DESC LIMIT 1', [size.toString()])) as { seq: string }[];
    return rows.length === 0 ? null : BigInt(rows[0].seq);
  }

  async leafHash(seq: number): Promise<Buffer | null> {
    const [row] = (await this.db.query('SELECT leaf_hash FROM ledger_entry WHERE seq = $1', [seq])) as { leaf_hash: Buffer }[];
    return row?.leaf_hash ?? null;
  }

  /** The auditor's filtered view: up to `limit` entries matching `filter`, by seq. */
  async filteredEntries(filter: EntryFilter, limit: number): Promise<StoredEntry[]> {
    const { where, params } = entryFilterSql(filter);
    const rows = (await this.db.query(`SELECT ${ENTRY_COLUMNS}, leaf_hash FROM ledger_entry ${where} ORDER BY seq LIMIT ${Number(limit)}`, params)) as EntryDbRow[];
    return rows.map(toStoredEntry);
  }

  /** A message's own entries and those that refer to it. */
  async timeline(messageId: string, limit: number): Promise<StoredEntry[]> {
    const rows = (await this.db.query(`SELECT ${ENTRY_COLUMNS}, leaf_hash FROM ledger_entry WHERE message_id = $1 OR re = $1 ORDER BY seq LIMIT $2`, [
      messageId,
      limit,
    ])) as EntryDbRow[];
    return rows.map(toStoredEntry);
  }

  /**
   * Of these (message, counterpart) pairs, the envelopes this agency sent that have no 'delivered'
   * entry yet: how a receipt for an envelope without a workflow row (case events, match messages)
   * is recorded as its delivery.
   */
  async sentUndelivered(q: Queryable, refs: { messageId: string; counterpart: string }[]): Promise<{ messageId: string; counterpart: string; kind: string | null; digest: string | null }[]> {
    if (refs.length === 0) return [];
    return q.query(
      `SELECT s.message_id AS "messageId", s.counterpart, s.kind, s.digest FROM ledger_entry s
        WHERE s.event = 'sent' AND (s.message_id, s.counterpart) IN (SELECT * FROM unnest($1::text[], $2::text[]))
          AND NOT EXISTS (SELECT 1 FROM ledger_entry d WHERE d.message_id = s.message_id AND d.counterpart = s.counterpart AND d.event = 'delivered')`,
      [refs.map((r) => r.messageId), refs.map((r) => r.counterpart)],
    );
  }

  /** Per-recipient workflow steps of one sent notice (the operator's progress view). */
  async noticeSteps(messageId: string, limit: number): Promise<{ event: string; counterpart: string; time: Date; actor: string | null }[]> {
    return this.db.query(
      `SELECT event, counterpart, time, actor FROM ledger_entry
        WHERE message_id = $1 AND counterpart IS NOT NULL AND event IN ('sent', 'delivered', 'acknowledged', 'answered', 'declined', 'expired')
        ORDER BY seq LIMIT $2`,
      [messageId, limit],
    );
  }

  // ------------------------------------------------------------ checkpoints and cosignatures

  /** Stores a checkpoint unless one of that size exists (replicas racing to the same size). */
  async insertCheckpoint(cp: { size: bigint; root: Uint8Array; note: string; createdAt: string }): Promise<void> {
    await this.db.query('INSERT INTO ledger_checkpoint (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING', [
      cp.size.toString(),
      toBuffer(cp.root),
      cp.note,
      cp.createdAt,
    ]);
  }

  async latestCheckpoint(q: Queryable = this.db): Promise<CheckpointRecord | null> {
    const rows = await q.query('SELECT size, root, note, created_at FROM ledger_checkpoint ORDER BY size DESC LIMIT 1');
    return rows.length === 0 ? null : toCheckpoint(rows[0]);
  }

  async checkpointBySize(size: number, q: Queryable = this.db): Promise<CheckpointRecord | null> {
    const rows = await q.query('SELECT size, root, note, created_at FROM ledger_checkpoint WHERE size = $1', [size]);
    return rows.length === 0 ? null : toCheckpoint(rows[0]);
  }

  /** Checkpoints with from < size < to, in size order, one page of at most `limit`. */
  async checkpointPage(from: number, to: number, q: Queryable = this.db, limit = 500): Promise<CheckpointRecord[]> {
    const rows = await q.query('SELECT size, root, note, created_at FROM ledger_checkpoint WHERE size > $1 AND size < $2 ORDER BY size LIMIT $3', [from, to, limit]);
    return rows.map(toCheckpoint);
  }

  /** Every checkpoint's size and root (the self-audit compares them all), read in pages. */
  async checkpointRoots(q: Queryable = this.db): Promise<{ size: number; root: Buffer }[]> {
    const all: { size: number; root: Buffer }[] = [];
    for (let after = -1; ; ) {
      const rows = (await q.query('SELECT size, root FROM ledger_checkpoint WHERE size > $1 ORDER BY size LIMIT 5000', [after])) as { size: string; root: Buffer }[];
      if (rows.length === 0) return all;
      for (const r of rows) all.push({ size: Number(r.size), root: r.root });
      after = all[all.length - 1].size;
    }
  }

  /** Sizes a witness may hold that a new checkpoint of `size` should carry proofs from. */
  async proofBaseSizes(size: number): Promise<number[]> {
    const rows = (await this.db.query(
      `SELECT size FROM (SELECT max(checkpoint_size) AS size FROM ledger_cosignature GROUP BY witness
        UNION SELECT size FROM (SELECT size FROM ledger_checkpoint WHERE size < $1 ORDER BY size DESC LIMIT 4) recent) s
        WHERE size > 0 AND size < $1 ORDER BY size DESC LIMIT 32`,
      [size],
    )) as { size: string }[];
    return rows.map((r) => Number(r.size));
  }

  async insertCosignature(c: { size: number; witness: string; line: string; verifiedAt: string }): Promise<void> {
    await this.db.query('INSERT INTO ledger_cosignature (checkpoint_size, witness, line, verified_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      c.size,
      c.witness,
      c.line,
      c.verifiedAt,
    ]);
  }

  async cosignatures(size: number): Promise<CosignatureRecord[]> {
    const rows = (await this.db.query('SELECT witness, line, verified_at FROM ledger_cosignature WHERE checkpoint_size = $1 ORDER BY witness', [size])) as {
      witness: string;
      line: string;
      verified_at: Date;
    }[];
    return rows.map((r) => ({ witness: r.witness, line: r.line, verifiedAt: r.verified_at }));
  }

  /** Size of the latest checkpoint with at least `quorum` cosignatures. */
  async latestWitnessedSize(quorum: number): Promise<number | null> {
    const rows = (await this.db.query(
      `SELECT c.size FROM ledger_checkpoint c LEFT JOIN ledger_cosignature s ON s.checkpoint_size = c.size
        GROUP BY c.size HAVING count(s.witness) >= $1 ORDER BY c.size DESC LIMIT 1`,
      [quorum],
    )) as { size: string }[];
    return rows.length === 0 ? null : Number(rows[0].size);
  }

  /** The checkpoint that best covers entries below `to`: the smallest witnessed one, else the smallest. */
  async coveringCheckpoint(to: number, quorum: number, q: Queryable = this.db): Promise<{ size: number; witnessed: boolean } | null> {
    const rows = (await q.query(
      `SELECT c.size, count(s.witness) >= $2 AS witnessed FROM ledger_checkpoint c LEFT JOIN ledger_cosignature s ON s.checkpoint_size = c.size
        WHERE c.size >= $1 GROUP BY c.size ORDER BY witnessed DESC, c.size LIMIT 1`,
      [to, quorum],
    )) as { size: string; witnessed: boolean }[];
    return rows.length === 0 ? null : { size: Number(rows[0].size), witnessed: rows[0].witnessed };
  }

  // ------------------------------------------------------------ witness state and alerts

  async witnessState(agency: string): Promise<WitnessStateRecord | null> {
    const rows = (await this.db.query('SELECT size, root, note, updated_at FROM witness_state WHERE origin = $1', [agency])) as { size: string; root: Buffer; note: string; updated_at: Date }[];
    return rows.length === 0 ? null : { size: BigInt(rows[0].size), root: rows[0].root, note: rows[0].note, cosignedAt: new Date(rows[0].updated_at) };
  }

  /** Moves a watched log's state forward only: a concurrent handler with a larger checkpoint wins. */
  async advanceWitnessState(s: { agency: string; size: bigint; root: Uint8Array; note: string; updatedAt: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO witness_state (origin, agency, size, root, note, updated_at) VALUES ($1, $1, $2, $3, $4, $5)
       ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note, updated_at = excluded.updated_at
       WHERE witness_state.size <= excluded.size`,
      [s.agency, s.size.toString(), toBuffer(s.root), s.note, s.updatedAt],
    );
  }

  async alertExists(evidenceDigest: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM witness_alert WHERE evidence_digest = $1', [evidenceDigest]);
    return rows.length > 0;
  }

  /** Keeps one alert per evidence digest; true when this call stored it. */
  async insertAlert(a: AlertInput): Promise<boolean> {
    const inserted = await this.db.query(
      `INSERT INTO witness_alert (origin, witness, reason, cosigned_note, refused_note, evidence_digest, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (evidence_digest) DO NOTHING RETURNING id`,
      [a.origin, a.witness, a.reason, a.cosignedNote, a.refusedNote, a.evidenceDigest, a.createdAt],
    );
    return inserted.length > 0;
  }

  async alerts(after: number, limit: number): Promise<AlertRecord[]> {
    const rows = (await this.db.query(
      'SELECT id, origin, witness, reason, cosigned_note, refused_note, created_at FROM witness_alert WHERE id > $1 ORDER BY id LIMIT $2',
      [after, limit],
    )) as { id: string; origin: string; witness: string; reason: string; cosigned_note: string | null; refused_note: string; created_at: Date }[];
    return rows.map((r) => ({
      id: Number(r.id),
      origin: r.origin,
      witness: r.witness,
      reason: r.reason,
      cosignedNote: r.cosigned_note,
      refusedNote: r.refused_note,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
