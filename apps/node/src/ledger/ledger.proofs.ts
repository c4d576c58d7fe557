// Tree questions answered from the stored tree: the head, roots at any committed size, subtree
// hashes (stored interior nodes plus at most 255 leaf hashes), inclusion and consistency proofs,
// and the entries themselves in keyset pages.
import { Injectable } from '@nestjs/common';
import { MerkleTreeBuilder, consistencyProof, foldSubtree, frontierRoot, inclusionProof, merkleRoot, planSubtree } from '@liaison/ledger';
import { Queryable } from '../persistence/queryable';
import { LedgerRepository, StoredEntry } from './ledger.repository';

export interface LedgerHead {
  size: bigint;
  frontier: Uint8Array[];
  root: Uint8Array;
}

/** Ranges up to this many leaves are hashed in memory at once; longer ones stream. */
const SMALL_RANGE = 512n;

@Injectable()
export class LedgerProofs {
  constructor(private readonly repo: LedgerRepository) {}

  /** The committed head: size, compact range and root (O(log n)). */
  async head(q?: Queryable): Promise<LedgerHead> {
    const { size, frontier } = await this.repo.head(q);
    return { size, frontier, root: frontierRoot(size, frontier) };
  }

  /** MTH(D[start:end]) from stored interior nodes and at most 255 leaf hashes (or all leaves for odd ranges). */
  async subtreeHash(start: bigint, end: bigint, q?: Queryable): Promise<Uint8Array> {
    const plan = planSubtree(start, end);
    if (plan === null) return this.leafRangeRoot(start, end, q);
    const found = await this.repo.nodes(plan.nodes, q);
    const pieces: Uint8Array[] = plan.nodes.map((n) => {
      const h = found.get(`${n.level}:${n.index}`);
      if (h === undefined) throw new Error(`ledger_node ${n.level}:${n.index} is missing`);
      return h;
    });
    if (plan.tail.end > plan.tail.start) pieces.push(await this.leafRangeRoot(plan.tail.start, plan.tail.end, q));
    return foldSubtree(pieces);
  }

  /** Root over stored leaf hashes [start, end), streamed in pages. */
  private async leafRangeRoot(start: bigint, end: bigint, q?: Queryable): Promise<Uint8Array> {
    const small: Uint8Array[] = [];
    const builder = new MerkleTreeBuilder();
    let at = start;
    while (at < end) {
      const rows = await this.repo.leafPage(at, end, q);
      if (rows.length === 0) throw new Error(`ledger entry ${at} is missing`);
      for (const r of rows) {
        if (r.seq !== at) throw new Error(`ledger entry ${at} is missing`);
        if (end - start <= SMALL_RANGE) small.push(r.leafHash);
        else builder.append(r.leafHash);
        at++;
      }
    }
    return end - start <= SMALL_RANGE ? merkleRoot(small) : builder.root();
  }

  /** Size bound for proofs: the committed head. */
  private async checkSize(size: bigint, q?: Queryable): Promise<void> {
    const head = await this.repo.head(q);
    if (size > head.size) throw new RangeError(`tree size ${size} is beyond the log's size ${head.size}`);
  }

  async inclusionProof(seq: bigint, size: bigint, q?: Queryable): Promise<Uint8Array[]> {
    await this.checkSize(size, q);
    return inclusionProof(seq, size, (s, e) => this.subtreeHash(s, e, q));
  }

  async consistencyProof(from: bigint, to: bigint, q?: Queryable): Promise<Uint8Array[]> {
    await this.checkSize(to, q);
    return consistencyProof(from, to, (s, e) => this.subtreeHash(s, e, q));
  }

  /** Root of the tree at any committed size. */
  async rootAt(size: bigint, q?: Queryable): Promise<Uint8Array> {
    const head = await this.head(q);
    if (size === head.size) return head.root;
    await this.checkSize(size, q);
    return size === 0n ? merkleRoot([]) : this.subtreeHash(0n, size, q);
  }

  /** Entries with from <= seq < to, in seq order, with their stored leaf hashes, read in keyset pages. */
  async *entries(from: bigint, to: bigint, q?: Queryable): AsyncGenerator<StoredEntry> {
    let at = from;
    while (at < to) {
      const rows = await this.repo.entryPage(at, to, q);
      if (rows.length === 0) return;
      yield* rows;
      at = BigInt(rows[rows.length - 1].entry.seq) + 1n;
    }
  }
}
