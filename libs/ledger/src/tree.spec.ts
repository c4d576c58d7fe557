import { EMPTY_ROOT, consistencyProof, inclusionProof, leafHash, merkleRoot, subtreeHashFromLeaves, verifyConsistency, verifyInclusion } from './merkle';
import { appendLeaves, foldSubtree, frontierRoot, planSubtree, TreeNode } from './tree';

const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Builds the tree in uneven batches, storing nodes of level >= 2, like the ledger does. */
function build(total: number, minLevel = 2): { frontier: Uint8Array[]; nodes: Map<string, Uint8Array> } {
  let size = 0n;
  let frontier: Uint8Array[] = [];
  const nodes = new Map<string, Uint8Array>();
  for (let at = 0, batch = 1; at < total; at += batch, batch = (batch * 7 + 3) % 23 || 1) {
    const r = appendLeaves(size, frontier, leaves.slice(at, Math.min(total, at + batch)), minLevel);
    for (const n of r.nodes) {
      expect(nodes.has(`${n.level}:${n.index}`)).toBe(false); // each node completed once
      nodes.set(`${n.level}:${n.index}`, n.hash);
    }
    size = r.size;
    frontier = r.frontier;
  }
  return { frontier, nodes };
}

function storedSubtree(nodes: Map<string, Uint8Array>, count: number, minLevel = 2) {
  return async (start: bigint, end: bigint): Promise<Uint8Array> => {
    const plan = planSubtree(start, end, minLevel);
    if (plan === null) throw new Error(`unplanned ${start}..${end}`);
    const pieces = plan.nodes.map((n: Omit<TreeNode, 'hash'>) => nodes.get(`${n.level}:${n.index}`) as Uint8Array);
    if (plan.tail.end > plan.tail.start) pieces.push(merkleRoot(leaves.slice(0, count), Number(plan.tail.start), Number(plan.tail.end)));
    return foldSubtree(pieces);
  };
}

describe('stored Merkle tree (frontier + interior nodes)', () => {
  it('keeps the root of every size and stores every node of the chosen levels exactly once', () => {
    expect(hex(frontierRoot(0n, []))).toBe(hex(EMPTY_ROOT));
    for (const total of [1, 2, 3, 4, 5, 17, 64, 100, 255, 256, 257, 300]) {
      const { frontier, nodes } = build(total);
      expect(hex(frontierRoot(BigInt(total), frontier))).toBe(hex(merkleRoot(leaves, 0, total)));
      for (const [key, hash] of nodes) {
        const [level, index] = key.split(':').map(Number);
        expect(hex(hash)).toBe(hex(merkleRoot(leaves, index << level, (index + 1) << level)));
      }
      let expected = 0;
      for (let level = 2; 1 << level <= total; level++) expected += Math.floor(total / (1 << level));
      expect(nodes.size).toBe(expected);
    }
  });

  it('answers the subtree hashes of inclusion and consistency proofs from stored pieces', async () => {
    const total = 300;
    const { nodes } = build(total);
    const stored = storedSubtree(nodes, total);
    const reference = subtreeHashFromLeaves(leaves);
    for (const size of [1, 7, 64, 129, 256, 300]) {
      const root = merkleRoot(leaves, 0, size);
      for (const m of [0, 1, 5, size - 1].filter((x) => x >= 0 && x < size)) {
        const proof = await inclusionProof(m, size, stored);
        expect(proof.map(hex)).toEqual((await inclusionProof(m, size, reference)).map(hex));
        expect(verifyInclusion(m, size, leaves[m], proof, root)).toBe(true);
      }
      for (const old of [1, 3, 64, 100].filter((x) => x <= size)) {
        const proof = await consistencyProof(old, size, stored);
        expect(verifyConsistency(old, size, proof, merkleRoot(leaves, 0, old), root)).toBe(true);
      }
    }
  });

  it('refuses ranges that no RFC 6962 proof asks for, and frontiers that do not fit the size', () => {
    expect(planSubtree(3n, 7n)).toBeNull();
    expect(planSubtree(5n, 5n)).toBeNull();
    expect(() => appendLeaves(3n, [leaves[0]], [leaves[1]])).toThrow(RangeError);
  });
});
