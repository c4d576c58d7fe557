// A node's audit of its own stored log, as a pure streaming check: feed it the stored entries in
// seq order (fields and the leaf hash stored at append time), then the head and the signed
// checkpoints, and it names every kind of damage it can see. It never changes anything.
import { LedgerEntry, entryLeafHash } from './entry';
import { MerkleTreeBuilder, bytesEqual } from './merkle';

export type DamageKind =
  /** An entry's fields no longer match the leaf hash stored when it was appended. */
  | 'edited'
  /** An entry inside the log is gone. */
  | 'missing'
  /** The last entries of the log are gone. */
  | 'truncated'
  /** A row sits at or beyond the head: an entry the sequencer never wrote. */
  | 'inserted'
  /** An entry written at one seq now sits at another. */
  | 'reordered'
  /** The stored leaf hashes no longer lead to a root this node signed or holds. */
  | 'root_mismatch';

export interface Damage {
  kind: DamageKind;
  /** First seq concerned. */
  seq: number;
  /** Last seq concerned, when it is a range. */
  toSeq?: number;
  detail: string;
}

/** Damage items kept per audit: enough to name the damage, bounded however large it is. */
export const MAX_DAMAGE_ITEMS = 50;
/** Edited entries kept for the reordering check (pairwise). */
const MAX_SUSPECTS = 64;

export interface StoredLogEntry {
  entry: LedgerEntry;
  leafHash: Uint8Array;
}

export interface CheckpointRoot {
  size: number;
  root: Uint8Array;
}

/**
 * Streams over the entries from seq `start` (0 for a full sweep). `known` is the compact range
 * the stream starts from (the state an earlier audit verified), so roots at later sizes can be
 * compared without reading the log again.
 */
export class SelfAudit {
  private readonly builder: MerkleTreeBuilder;
  private expected: bigint;
  /** Roots can be compared only while the stream has no hole. */
  private contiguous = true;
  private readonly damage: Damage[] = [];
  private readonly suspects: StoredLogEntry[] = [];
  private checkpoints: CheckpointRoot[] = [];
  /** Index of the next checkpoint whose size the stream has not passed. */
  private nextCheckpoint = 0;
  private dropped = 0;

  constructor(start: { size: bigint; frontier: readonly Uint8Array[] } = { size: 0n, frontier: [] }) {
    this.builder = MerkleTreeBuilder.fromFrontier(start.size, start.frontier);
    this.expected = start.size;
  }

  /** Entries read so far and the position of the next expected seq. */
  get position(): bigint {
    return this.expected;
  }

  /** The compact range of the stored leaves read so far (valid only while contiguous). */
  state(): { size: bigint; frontier: Uint8Array[] } | null {
    return this.contiguous ? { size: this.builder.size, frontier: this.builder.frontier() } : null;
  }

  /** Signed checkpoints to compare with when the stream reaches their size (any order; before feeding). */
  expectRoots(checkpoints: readonly CheckpointRoot[]): void {
    this.checkpoints = [...this.checkpoints, ...checkpoints].sort((a, b) => a.size - b.size);
    this.nextCheckpoint = 0;
    while (this.nextCheckpoint < this.checkpoints.length && BigInt(this.checkpoints[this.nextCheckpoint].size) < this.builder.size) this.nextCheckpoint++;
  }

  private add(d: Damage): void {
    if (this.damage.length < MAX_DAMAGE_ITEMS) this.damage.push(d);
    else this.dropped++;
  }

  feed(row: StoredLogEntry, headSize: bigint): void {
    const seq = BigInt(row.entry.seq);
    if (seq >= headSize) {
      this.add({ kind: 'inserted', seq: row.entry.seq, detail: `entry ${seq} is beyond the head (size ${headSize}): the sequencer never wrote it` });
      return;
    }
    if (seq > this.expected) {
      const last = seq - 1n;
      this.add({
        kind: 'missing',
        seq: Number(this.expected),
        ...(last > this.expected ? { toSeq: Number(last) } : {}),
        detail: last > this.expected ? `entries ${this.expected}..${last} are missing` : `entry ${this.expected} is missing`,
      });
      this.contiguous = false;
    }
    this.expected = seq + 1n;
    if (!bytesEqual(entryLeafHash(row.entry), row.leafHash)) {
      if (this.suspects.length < MAX_SUSPECTS) this.suspects.push(row);
      else this.add({ kind: 'edited', seq: row.entry.seq, detail: `entry ${seq}: its fields do not match the leaf hash stored at append` });
    }
    if (this.contiguous) {
      // The stored leaf hashes are what proofs are built from: those must lead to the signed roots.
      this.builder.append(row.leafHash);
      this.compareDueRoots();
    }
  }

  private compareDueRoots(): void {
    if (!this.contiguous) return;
    const size = Number(this.builder.size);
    while (this.nextCheckpoint < this.checkpoints.length && this.checkpoints[this.nextCheckpoint].size <= size) {
      const cp = this.checkpoints[this.nextCheckpoint++];
      // Only the first: every later root follows from the same damaged leaves.
      if (cp.size === size && !bytesEqual(this.builder.root(), cp.root) && !this.damage.some((d) => d.kind === 'root_mismatch')) {
        this.add({ kind: 'root_mismatch', seq: cp.size - 1, detail: `the stored leaf hashes of entries 0..${cp.size - 1} do not lead to signed checkpoint ${cp.size}` });
      }
    }
  }

  /** Ends the stream at the head; returns every damage found, each named. */
  finish(head: { size: bigint; root: Uint8Array }): { damage: Damage[]; more: number } {
    if (this.expected < head.size) {
      const last = head.size - 1n;
      this.add({
        kind: 'truncated',
        seq: Number(this.expected),
        ...(last > this.expected ? { toSeq: Number(last) } : {}),
        detail: `entries ${this.expected}..${last} are missing at the end of the log (the head says ${head.size})`,
      });
    } else if (this.contiguous && this.builder.size === head.size && !bytesEqual(this.builder.root(), head.root)) {
      if (!this.damage.some((d) => d.kind === 'root_mismatch')) this.add({ kind: 'root_mismatch', seq: Number(head.size) - 1, detail: 'the stored leaf hashes do not lead to the head' });
    }
    for (const cp of this.checkpoints) {
      if (BigInt(cp.size) > head.size) this.add({ kind: 'truncated', seq: Number(head.size), toSeq: cp.size - 1, detail: `signed checkpoint ${cp.size} is beyond the head (size ${head.size})` });
    }
    this.resolveSuspects();
    const order = (d: Damage) => d.seq;
    return { damage: [...this.damage].sort((a, b) => order(a) - order(b)), more: this.dropped };
  }

  /** Edited rows whose fields hash, under another suspect's seq, to their stored leaf: they were moved. */
  private resolveSuspects(): void {
    const moved = new Map<number, number>();
    for (const s of this.suspects) {
      for (const t of this.suspects) {
        if (t === s) continue;
        if (bytesEqual(entryLeafHash({ ...s.entry, seq: t.entry.seq }), s.leafHash)) moved.set(s.entry.seq, t.entry.seq);
      }
    }
    for (const s of this.suspects) {
      const from = moved.get(s.entry.seq);
      if (from !== undefined) this.add({ kind: 'reordered', seq: s.entry.seq, detail: `entry ${s.entry.seq} holds the entry appended as ${from}` });
      else this.add({ kind: 'edited', seq: s.entry.seq, detail: `entry ${s.entry.seq}: its fields do not match the leaf hash stored at append` });
    }
  }
}

/**
 * Whether the stored log's tail is exactly what the follow last verified: the head has the size
 * it verified and the highest stored seq is the head's last entry (none when empty). Then the
 * follow has nothing to re-derive and the append point is intact; anything else (new entries,
 * a head that went back, a row beyond the head, a missing last entry) needs the full follow.
 */
export function tailUnchanged(verifiedSize: bigint, tail: { size: bigint; lastSeq: bigint | null }): boolean {
  if (tail.size !== verifiedSize) return false;
  return tail.size === 0n ? tail.lastSeq === null : tail.lastSeq === tail.size - 1n;
}
