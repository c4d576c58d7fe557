import { MerkleTreeBuilder, leafHash, merkleRoot } from './merkle';

describe('MerkleTreeBuilder frontier (the ledger head)', () => {
  const leaves = Array.from({ length: 37 }, (_, i) => leafHash(Buffer.from([i])));

  it('resumes from the frontier at every size and reaches the same root', () => {
    for (let n = 0; n <= leaves.length; n++) {
      const b = new MerkleTreeBuilder();
      for (let i = 0; i < n; i++) b.append(leaves[i]);
      expect(b.frontier()).toHaveLength(n.toString(2).replace(/0/g, '').length);
      const resumed = MerkleTreeBuilder.fromFrontier(n, b.frontier());
      expect(Buffer.from(resumed.root())).toEqual(Buffer.from(merkleRoot(leaves, 0, n)));
      for (let i = n; i < leaves.length; i++) resumed.append(leaves[i]);
      expect(Buffer.from(resumed.root())).toEqual(Buffer.from(merkleRoot(leaves)));
    }
  });

  it('refuses a frontier of the wrong length', () => {
    expect(() => MerkleTreeBuilder.fromFrontier(3, [leaves[0]])).toThrow(RangeError);
    expect(() => MerkleTreeBuilder.fromFrontier(-1, [])).toThrow(RangeError);
  });
});
