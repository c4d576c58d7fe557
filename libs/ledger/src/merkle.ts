// RFC 6962 / RFC 9162 Merkle tree hashing, proof verification and proof generation.
// Indexes and sizes are BigInt internally: JavaScript's `>>` truncates to 32 bits, and a
// ledger may outgrow 2^32 entries. Verifiers return booleans and never throw, because
// proofs arrive from untrusted parties (peers, bundles, witnesses).
import { createHash, hash } from 'crypto';

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** Size of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

/** Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(createHash('sha256').digest());

// One-shot crypto.hash over a scratch buffer is about twice as fast as createHash().update()
// for these short inputs, and hashing dominates bundle verification. Safe: hashing is synchronous.
const NODE_SCRATCH = Buffer.alloc(1 + 2 * 32, NODE_PREFIX[0]);
const LEAF_SCRATCH = Buffer.alloc(4096, LEAF_PREFIX[0]);

/** SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  if (leaf.length < LEAF_SCRATCH.length) {
    LEAF_SCRATCH.set(leaf, 1);
    return hash('sha256', LEAF_SCRATCH.subarray(0, leaf.length + 1), 'buffer');
  }
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** leafHash of the UTF-8 bytes of `text`, without an intermediate buffer. */
export function leafHashOfText(text: string): Uint8Array {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length === 32 && right.length === 32) {
    NODE_SCRATCH.set(left, 1);
    NODE_SCRATCH.set(right, 33);
    return hash('sha256', NODE_SCRATCH, 'buffer');
  }
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Constant-length byte comparison (timing does not matter here; correctness does). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Accepts a non-negative safe integer or non-negative bigint; anything else is null. */
export function toIndex(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value >= 0n ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return null;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function isProof(value: unknown): value is Uint8Array[] {
  return Array.isArray(value) && value.every(isHash);
}

/** (fn, sn) of RFC 9162 §2.1.3.2 / §2.1.4.2: the node's index and the last index at its level. */
type Position = [bigint, bigint];

/** The next proof hash is a left sibling when fn is a right child or the last node of its level. */
function siblingOnLeft([fn, sn]: Position): boolean {
  return (fn & 1n) === 1n || fn === sn;
}

/** Moves up one level; a last node without right sibling first climbs until it is a right child. */
function climb([fn, sn]: Position, left: boolean): Position {
  if (left && (fn & 1n) === 0n) {
    while ((fn & 1n) === 0n && fn !== 0n) {
      fn >>= 1n;
      sn >>= 1n;
    }
  }
  return [fn >> 1n, sn >> 1n];
}

/**
 * Recomputes the root implied by an inclusion proof (RFC 9162 §2.1.3.2), or null when the
 * proof cannot belong to a tree of that size. Exposed so that a bundle verifier can check
 * entries before it has read the checkpoint they are proven against.
 */
export function rootFromInclusionProof(
  leafIndex: number | bigint,
  treeSize: number | bigint,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Uint8Array | null {
  const index = toIndex(leafIndex);
  const size = toIndex(treeSize);
  if (index === null || size === null || index >= size) return null;
  if (!isHash(leaf) || !isProof(proof)) return null;
  let pos: Position = [index, size - 1n];
  let r = leaf;
  for (const p of proof) {
    if (pos[1] === 0n) return null; // proof longer than the path to the root
    const left = siblingOnLeft(pos);
    r = left ? nodeHash(p, r) : nodeHash(r, p);
    pos = climb(pos, left);
  }
  return pos[1] === 0n ? r : null; // sn > 0 means the proof was truncated
}

/** True iff `proof` proves `leafHash` is leaf `leafIndex` of the tree of `treeSize` with `root`. */
export function verifyInclusion(
  leafIndex: number | bigint,
  treeSize: number | bigint,
  leafHashValue: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isHash(root)) return false;
    const computed = rootFromInclusionProof(leafIndex, treeSize, leafHashValue, proof);
    return computed !== null && bytesEqual(computed, root);
  } catch {
    return false; // e.g. a proxy or getter throwing: still never throw
  }
}

/** True iff `proof` proves the tree (size2, root2) extends the tree (size1, root1) (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  try {
    return checkConsistency(size1, size2, proof, root1, root2);
  } catch {
    return false;
  }
}

function checkConsistency(
  size1In: number | bigint,
  size2In: number | bigint,
  proofIn: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  const size1 = toIndex(size1In);
  const size2 = toIndex(size2In);
  if (size1 === null || size2 === null || size2 < size1) return false;
  if (!isProof(proofIn) || !isHash(root1) || !isHash(root2)) return false;
  if (size1 === size2) return proofIn.length === 0 && bytesEqual(root1, root2);
  // Every tree extends the empty tree; the proof must then be empty.
  if (size1 === 0n) return proofIn.length === 0;
  if (proofIn.length === 0) return false;

  // When size1 is a power of two, root1 is itself a node of the larger tree and is omitted from the proof.
  const proof = (size1 & (size1 - 1n)) === 0n ? [root1, ...proofIn] : proofIn;
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let pos: Position = [fn, sn];
  let fr = proof[0];
  let sr = proof[0];
  for (let i = 1; i < proof.length; i++) {
    const c = proof[i];
    if (pos[1] === 0n) return false;
    const left = siblingOnLeft(pos);
    if (left) {
      fr = nodeHash(c, fr); // nodes on the left belong to the old tree too
      sr = nodeHash(c, sr);
    } else {
      sr = nodeHash(sr, c);
    }
    pos = climb(pos, left);
  }
  return pos[1] === 0n && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

/**
 * Streaming root computation in O(log n) memory: keeps only the roots of the perfect
 * subtrees that make up the current size (a "compact range" starting at 0).
 */
export class MerkleTreeBuilder {
  // stack[i] is the root of a perfect subtree; sizes strictly decrease from bottom to top.
  private readonly stack: Uint8Array[] = [];
  private count = 0n;

  get size(): bigint {
    return this.count;
  }

  append(leafHashValue: Uint8Array): void {
    if (!isHash(leafHashValue)) throw new TypeError('leaf hash must be 32 bytes');
    let h = leafHashValue;
    // Each trailing 1 bit of the old size is a perfect subtree that now gets a right sibling.
    for (let n = this.count; (n & 1n) === 1n; n >>= 1n) {
      h = nodeHash(this.stack.pop() as Uint8Array, h);
    }
    this.stack.push(h);
    this.count += 1n;
  }

  /**
   * Resumes from a stored compact range: `hashes` are the roots of the perfect subtrees that
   * make up `size`, largest (leftmost) first, one per set bit of `size`.
   */
  static fromFrontier(size: number | bigint, hashes: readonly Uint8Array[]): MerkleTreeBuilder {
    const n = toIndex(size);
    if (n === null) throw new RangeError('size must be a non-negative integer');
    let bits = 0;
    for (let v = n; v > 0n; v >>= 1n) bits += Number(v & 1n);
    if (hashes.length !== bits) throw new RangeError(`a frontier of size ${n} has ${bits} hashes, not ${hashes.length}`);
    if (!hashes.every(isHash)) throw new TypeError('frontier hashes must be 32 bytes');
    const builder = new MerkleTreeBuilder();
    builder.stack.push(...hashes.map((h) => new Uint8Array(h)));
    builder.count = n;
    return builder;
  }

  /** The compact range (perfect subtree roots, largest first) that fromFrontier resumes from. */
  frontier(): Uint8Array[] {
    return this.stack.map((h) => new Uint8Array(h));
  }

  root(): Uint8Array {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let h = this.stack[this.stack.length - 1];
    for (let i = this.stack.length - 2; i >= 0; i--) h = nodeHash(this.stack[i], h);
    return h;
  }
}

/** Returns MTH(D[start:end]) for the log's leaves; may read storage, hence async. */
export type SubtreeHashFn = (start: bigint, end: bigint) => Promise<Uint8Array>;

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: bigint): bigint {
  let k = 1n;
  while (k << 1n < n) k <<= 1n;
  return k;
}

/**
 * Walks from the root of D[0:n] towards the node the proof is about, collecting the hash of
 * the subtree not taken at each split (top-down). PATH and SUBPROOF differ only in when a
 * split goes left and when the walk stops.
 */
async function descend(
  m0: bigint,
  n0: bigint,
  goesLeft: (m: bigint, k: bigint) => boolean,
  done: (m: bigint, n: bigint) => boolean,
  subtreeHash: SubtreeHashFn,
): Promise<{ topDown: Uint8Array[]; start: bigint; n: bigint; wentRight: boolean }> {
  const topDown: Uint8Array[] = [];
  let start = 0n;
  let n = n0;
  let m = m0;
  let wentRight = false;
  while (!done(m, n)) {
    const k = splitPoint(n);
    if (goesLeft(m, k)) {
      topDown.push(await subtreeHash(start + k, start + n));
      n = k;
    } else {
      topDown.push(await subtreeHash(start, start + k));
      start += k;
      m -= k;
      n -= k;
      wentRight = true;
    }
  }
  return { topDown, start, n, wentRight };
}

/** RFC 6962 §2.1.1 PATH(m, D[0:n]); hashes ordered from the leaf upward. */
export async function inclusionProof(
  leafIndex: number | bigint,
  treeSize: number | bigint,
  subtreeHash: SubtreeHashFn,
): Promise<Uint8Array[]> {
  const m = toIndex(leafIndex);
  const n = toIndex(treeSize);
  if (m === null || n === null || m >= n) throw new RangeError('leaf index must be < tree size');
  const walk = await descend(m, n, (mm, k) => mm < k, (_mm, nn) => nn <= 1n, subtreeHash);
  return walk.topDown.reverse();
}

/** RFC 6962 §2.1.2 PROOF(m, D[0:n]) via SUBPROOF; hashes ordered from the bottom upward. */
export async function consistencyProof(
  size1: number | bigint,
  size2: number | bigint,
  subtreeHash: SubtreeHashFn,
): Promise<Uint8Array[]> {
  const m = toIndex(size1);
  const n = toIndex(size2);
  if (m === null || n === null || m > n) throw new RangeError('size1 must be <= size2');
  if (m === 0n || m === n) return [];
  const walk = await descend(m, n, (mm, k) => mm <= k, (mm, nn) => mm === nn, subtreeHash);
  // SUBPROOF's b flag: once the walk went right, the old tree is not a single subtree of the
  // new one, so the subtree where it ends is part of the proof.
  if (walk.wentRight) walk.topDown.push(await subtreeHash(walk.start, walk.start + walk.n));
  return walk.topDown.reverse();
}

/** MTH over a contiguous slice of leaf hashes (recursive split as in RFC 6962). */
export function merkleRoot(leafHashes: readonly Uint8Array[], start = 0, end = leafHashes.length): Uint8Array {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[start];
  const k = Number(splitPoint(BigInt(n)));
  return nodeHash(merkleRoot(leafHashes, start, start + k), merkleRoot(leafHashes, start + k, end));
}

/** In-memory SubtreeHashFn over a list of leaf hashes, for tests and small logs. */
export function subtreeHashFromLeaves(leafHashes: readonly Uint8Array[]): SubtreeHashFn {
  return async (start: bigint, end: bigint) => {
    if (start < 0n || end > BigInt(leafHashes.length) || start >= end) {
      throw new RangeError(`no subtree [${start}, ${end}) in ${leafHashes.length} leaves`);
    }
    return merkleRoot(leafHashes, Number(start), Number(end));
  };
}
