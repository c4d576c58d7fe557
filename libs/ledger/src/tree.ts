// Pure Merkle bookkeeping for the stored log: appending leaves to the head's compact range while
// collecting the interior nodes worth storing, and splitting a subtree into stored pieces.
import { HASH_SIZE, MerkleTreeBuilder, nodeHash } from './merkle';

/** Interior nodes of this level and above (perfect subtrees of >= 256 leaves) are stored. */
export const NODE_MIN_LEVEL = 8;

export interface TreeNode {
  level: number;
  /** Position among the nodes of its level: it covers leaves [index * 2^level, (index + 1) * 2^level). */
  index: bigint;
  hash: Uint8Array;
}

export interface AppendResult {
  size: bigint;
  frontier: Uint8Array[];
  /** Nodes of level >= minLevel completed by these leaves. */
  nodes: TreeNode[];
}

/**
 * Appends leaf hashes to the tree whose compact range (`frontier`, largest subtree first) has
 * `size` leaves. Every node is completed exactly once: either as the right child merged into
 * its parent, or as the subtree pushed on the range.
 */
export function appendLeaves(size: bigint, frontier: readonly Uint8Array[], leaves: readonly Uint8Array[], minLevel = NODE_MIN_LEVEL): AppendResult {
  // Validates that the frontier fits the size (one subtree per set bit).
  MerkleTreeBuilder.fromFrontier(size, frontier);
  const stack = [...frontier];
  const nodes: TreeNode[] = [];
  let n = size;
  for (const leaf of leaves) {
    if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_SIZE) throw new TypeError('leaf hash must be 32 bytes');
    let h = leaf;
    let level = 0;
    const end = n + 1n; // the node completed at `level` covers [end - 2^level, end)
    for (let m = n; (m & 1n) === 1n; m >>= 1n) {
      if (level >= minLevel) nodes.push({ level, index: (end >> BigInt(level)) - 1n, hash: h });
      h = nodeHash(stack.pop() as Uint8Array, h);
      level++;
    }
    if (level >= minLevel) nodes.push({ level, index: (end >> BigInt(level)) - 1n, hash: h });
    stack.push(h);
    n = end;
  }
  return { size: n, frontier: stack, nodes };
}

/** Root of the tree described by a compact range. */
export function frontierRoot(size: bigint, frontier: readonly Uint8Array[]): Uint8Array {
  return MerkleTreeBuilder.fromFrontier(size, frontier).root();
}

export interface SubtreePlan {
  /** Stored perfect subtrees, left to right. */
  nodes: { level: number; index: bigint }[];
  /** Leaves after the stored nodes, read directly: [start, end). Empty when start === end. */
  tail: { start: bigint; end: bigint };
}

/**
 * How to obtain MTH(D[start:end]) from stored nodes plus a short run of leaves, or null when the
 * range is not one that RFC 6962 proofs ask for (start must be a multiple of the smallest power
 * of two >= the range's size). Such a subtree's hash folds the binary decomposition of its size
 * from the right: H(p1, H(p2, ... H(pk-1, pk))).
 */
export function planSubtree(start: bigint, end: bigint, minLevel = NODE_MIN_LEVEL): SubtreePlan | null {
  const n = end - start;
  if (start < 0n || n <= 0n) return null;
  let span = 1n;
  while (span < n) span <<= 1n;
  if (start % span !== 0n) return null;
  const nodes: { level: number; index: bigint }[] = [];
  let at = start;
  for (let level = 63; level >= minLevel; level--) {
    const width = 1n << BigInt(level);
    if ((n & width) !== 0n) {
      nodes.push({ level, index: at >> BigInt(level) });
      at += width;
    }
  }
  return { nodes, tail: { start: at, end } };
}

/** Folds the pieces of a planned subtree (stored node hashes, then the tail's root if any). */
export function foldSubtree(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 0) throw new RangeError('no pieces');
  let h = pieces[pieces.length - 1];
  for (let i = pieces.length - 2; i >= 0; i--) h = nodeHash(pieces[i], h);
  return h;
}
