import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  MerkleTreeBuilder,
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  subtreeHashFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const VECTORS = path.resolve(__dirname, '../../../../shared/testdata/merkle');
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface InclusionVector {
  leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean;
}
interface ConsistencyVector {
  size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean;
}

function vectorFiles(kind: string): [string, unknown][] {
  const dir = path.join(VECTORS, kind);
  const out: [string, unknown][] = [];
  for (const sub of readdirSync(dir)) {
    for (const f of readdirSync(path.join(dir, sub))) {
      out.push([`${kind}/${sub}/${f}`, JSON.parse(readFileSync(path.join(dir, sub, f), 'utf8'))]);
    }
  }
  return out;
}

const README_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const leaves = README_LEAVES.map((h) => leafHash(new Uint8Array(Buffer.from(h, 'hex'))));

describe('reference vectors (transparency-dev/merkle)', () => {
  it('has vectors to run', () => {
    expect(vectorFiles('inclusion').length).toBeGreaterThan(10);
    expect(vectorFiles('consistency').length).toBeGreaterThan(10);
  });

  it('computes the README 8-leaf root, streaming and recursive', () => {
    const b = new MerkleTreeBuilder();
    leaves.forEach((l) => b.append(l));
    expect(hex(b.root())).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    expect(hex(merkleRoot(leaves))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    expect(b.size).toBe(8n);
  });

  it.each(vectorFiles('inclusion'))('inclusion %s', (_name, raw) => {
    const v = raw as InclusionVector;
    const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash ?? ''), (v.proof ?? []).map(b64), b64(v.root ?? ''));
    expect(ok).toBe(!v.wantErr);
  });

  it.each(vectorFiles('consistency'))('consistency %s', (_name, raw) => {
    const v = raw as ConsistencyVector;
    const ok = verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1 ?? ''), b64(v.root2 ?? ''));
    expect(ok).toBe(!v.wantErr);
  });
});

describe('verifiers never throw', () => {
  const h = leafHash(new Uint8Array([1]));
  const junk: unknown[] = [undefined, null, -1, -1n, 1.5, NaN, Infinity, '3', {}, [], new Uint8Array(31), 2n ** 70n];
  it('inclusion rejects junk arguments', () => {
    for (const j of junk) {
      const call = (f: () => boolean) => expect(f()).toBe(false);
      call(() => verifyInclusion(j as number, 1, h, [], h));
      call(() => verifyInclusion(0, j as number, h, [], h === j ? h : (j as Uint8Array)));
      call(() => verifyInclusion(0, 2, j as Uint8Array, [h], h));
      call(() => verifyInclusion(0, 2, h, j as Uint8Array[], h));
      call(() => verifyInclusion(0, 2, h, [j as Uint8Array], h));
    }
    expect(verifyInclusion(0, 1, h, [], h)).toBe(true);
  });
  it('consistency rejects junk arguments', () => {
    for (const j of junk) {
      expect(verifyConsistency(j as number, 2, [h], h, h)).toBe(false);
      expect(verifyConsistency(1, j as number, [h], h, h)).toBe(false);
      expect(verifyConsistency(1, 2, j as Uint8Array[], h, h)).toBe(false);
      expect(verifyConsistency(1, 2, [h], j as Uint8Array, h)).toBe(false);
      expect(verifyConsistency(1, 2, [h], h, j as Uint8Array)).toBe(false);
    }
  });
  it('handles sizes beyond 2^32 without 32-bit truncation', () => {
    // A leaf at 2^32 in a tree of 2^32+1 leaves: its path is one sibling, the 2^32 perfect subtree.
    const big = 2n ** 32n;
    const left = leafHash(new Uint8Array([7]));
    const root = nodeHash(left, h);
    expect(verifyInclusion(big, big + 1n, h, [left], root)).toBe(true);
    expect(verifyInclusion(Number(big), Number(big) + 1, h, [left], root)).toBe(true);
    expect(verifyInclusion(0n, big + 1n, h, [left], root)).toBe(false);
  });
});

describe('empty tree and builder', () => {
  it('EMPTY_ROOT is SHA-256 of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new MerkleTreeBuilder().root()).toEqual(EMPTY_ROOT);
    expect(merkleRoot([])).toEqual(EMPTY_ROOT);
  });
  it('builder agrees with the recursive definition at every size 1..200', () => {
    const hs = Array.from({ length: 200 }, (_, i) => leafHash(new Uint8Array([i, i >> 8])));
    const b = new MerkleTreeBuilder();
    hs.forEach((l, i) => {
      b.append(l);
      expect(b.root()).toEqual(merkleRoot(hs, 0, i + 1));
    });
  });
  it('builder resumes from its frontier (compact range) at every size', () => {
    const hs = Array.from({ length: 70 }, (_, i) => leafHash(new Uint8Array([i, 1])));
    const b = new MerkleTreeBuilder();
    hs.forEach((l, i) => {
      const resumed = MerkleTreeBuilder.fromFrontier(b.size, b.frontier());
      resumed.append(l);
      b.append(l);
      expect(resumed.root()).toEqual(merkleRoot(hs, 0, i + 1));
      expect(resumed.size).toBe(b.size);
    });
    expect(() => MerkleTreeBuilder.fromFrontier(3, [hs[0]])).toThrow(RangeError);
    expect(() => MerkleTreeBuilder.fromFrontier(-1, [])).toThrow(RangeError);
  });
  it('builder refuses a leaf hash of the wrong length', () => {
    expect(() => new MerkleTreeBuilder().append(new Uint8Array(5))).toThrow(TypeError);
  });
});

describe('generated proofs round-trip (sizes 1..64)', () => {
  const hs = Array.from({ length: 64 }, (_, i) => leafHash(new Uint8Array([i])));
  const sub = subtreeHashFromLeaves(hs);
  it('inclusion proofs verify for every index and fail for the wrong leaf or index', async () => {
    for (let n = 1; n <= 64; n++) {
      const root = merkleRoot(hs, 0, n);
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(i, n, sub);
        expect(verifyInclusion(i, n, hs[i], proof, root)).toBe(true);
        expect(verifyInclusion(BigInt(i), BigInt(n), hs[i], proof, root)).toBe(true);
        if (n > 1) {
          expect(verifyInclusion(i, n, hs[(i + 1) % n], proof, root)).toBe(false);
          expect(verifyInclusion((i + 1) % n, n, hs[i], proof, root)).toBe(false);
        }
      }
    }
  });
  it('consistency proofs verify for every pair and fail for a different old root', async () => {
    for (let n = 1; n <= 64; n++) {
      const root2 = merkleRoot(hs, 0, n);
      for (let m = 0; m <= n; m++) {
        const root1 = merkleRoot(hs, 0, m);
        const proof = await consistencyProof(m, n, sub);
        expect(verifyConsistency(m, n, proof, root1, root2)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, proof, merkleRoot(hs, 1, m + 1), root2)).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), root1, root2)).toBe(false);
        }
      }
    }
  });
  it('proof generation refuses impossible ranges', async () => {
    await expect(inclusionProof(3, 3, sub)).rejects.toThrow(RangeError);
    await expect(consistencyProof(4, 3, sub)).rejects.toThrow(RangeError);
  });
});

describe('properties', () => {
  const leafSet = fc.array(fc.uint8Array({ minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 300 });
  it('a mutated inclusion proof never verifies', async () => {
    await fc.assert(
      fc.asyncProperty(leafSet, fc.nat(), fc.nat(), fc.nat(255), async (raw, iSeed, pSeed, bit) => {
        const hs = raw.map(leafHash);
        const n = hs.length;
        const i = iSeed % n;
        const root = merkleRoot(hs);
        const proof = await inclusionProof(i, n, subtreeHashFromLeaves(hs));
        expect(verifyInclusion(i, n, hs[i], proof, root)).toBe(true);
        if (proof.length === 0) return;
        const j = pSeed % proof.length;
        const mutated = proof.map((p) => Uint8Array.from(p));
        mutated[j][bit % 32] ^= 1 << (bit % 8);
        expect(verifyInclusion(i, n, hs[i], mutated, root)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
  it('a mutated consistency proof never verifies', async () => {
    await fc.assert(
      fc.asyncProperty(leafSet, fc.nat(), fc.nat(), fc.nat(255), async (raw, mSeed, pSeed, bit) => {
        const hs = raw.map(leafHash);
        const n = hs.length;
        const m = 1 + (mSeed % n);
        const proof = await consistencyProof(m, n, subtreeHashFromLeaves(hs));
        const r1 = merkleRoot(hs, 0, m);
        const r2 = merkleRoot(hs);
        expect(verifyConsistency(m, n, proof, r1, r2)).toBe(true);
        if (proof.length === 0) return;
        const mutated = proof.map((p) => Uint8Array.from(p));
        mutated[pSeed % proof.length][bit % 32] ^= 1 << (bit % 8);
        expect(verifyConsistency(m, n, mutated, r1, r2)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
