import { generateKeyPairSync, KeyObject } from 'crypto';
import { consistencyProof, leafHash, merkleRoot, subtreeHashFromLeaves } from './merkle';
import { checkpointBody, encodeBase64, signNote } from './note';
import { CheckpointClaim, LogKey, judgeCheckpoint, judgeSilence, SHRINK_MARGIN_SECONDS } from './witness';

const leaves = Array.from({ length: 20 }, (_, i) => leafHash(Buffer.from(`e${i}`)));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const logKey = (pub: KeyObject): LogKey => ({ jwk: { kty: 'OKP', crv: 'Ed25519', x: String(pub.export({ format: 'jwk' }).x) } });

function note(size: number, signer = privateKey, tree = leaves): string {
  return signNote(checkpointBody({ origin: 'liaison/EE', size, rootHash: merkleRoot(tree, 0, size) }), 'liaison/EE', signer);
}

async function claim(size: number, from: number[], signer = privateKey): Promise<CheckpointClaim> {
  const proofs = [];
  for (const f of from) proofs.push({ from: f, proof: (await consistencyProof(f, size, subtreeHashFromLeaves(leaves))).map(encodeBase64) });
  return { origin: 'liaison/EE', note: note(size, signer), proofs };
}

const keys = [logKey(publicKey)];
const state = (size: number, tree = leaves) => ({ size: BigInt(size), root: merkleRoot(tree, 0, size), note: note(size, privateKey, tree) });

describe('judgeCheckpoint', () => {
  it('cosigns on first contact (trust on first use) and then only extensions', async () => {
    expect(judgeCheckpoint({ claim: await claim(5, []), state: null, originKeys: keys }).action).toBe('cosign');
    expect(judgeCheckpoint({ claim: await claim(12, [5, 8]), state: state(8), originKeys: keys }).action).toBe('cosign');
    expect(judgeCheckpoint({ claim: await claim(8, []), state: state(8), originKeys: keys }).action).toBe('cosign'); // re-request
  });

  it('refuses a rewritten history and a split view, naming the reason', async () => {
    const rewritten = [...leaves];
    rewritten[2] = leafHash(Buffer.from('forged'));
    expect(judgeCheckpoint({ claim: await claim(12, [8]), state: state(8, rewritten), originKeys: keys })).toMatchObject({ action: 'refuse', reason: 'not_an_extension' });
    expect(judgeCheckpoint({ claim: await claim(8, []), state: state(8, rewritten), originKeys: keys })).toMatchObject({ action: 'refuse', reason: 'same_size_different_root' });
  });

  it('ignores what cannot be evidence or is stale', async () => {
    const ignore = async (c: Promise<CheckpointClaim> | CheckpointClaim, s = state(8), k = keys) => judgeCheckpoint({ claim: await c, state: s, originKeys: k });
    expect(await ignore(claim(12, [8], other.privateKey))).toMatchObject({ action: 'ignore', why: 'log signature does not verify' });
    expect(await ignore(claim(12, [8]), state(8), [logKey(other.publicKey)])).toMatchObject({ action: 'ignore', why: 'log signature does not verify' });
    expect(await ignore(claim(12, [8]), state(8), [])).toMatchObject({ action: 'ignore' });
    expect(await ignore(claim(5, []))).toMatchObject({ action: 'ignore', stale: true, why: expect.stringMatching(/older/) });
    expect(await ignore(claim(12, [5]))).toMatchObject({ action: 'ignore', why: 'no consistency proof from size 8' });
    expect(await ignore({ ...(await claim(12, [8])), note: 'garbage' })).toMatchObject({ action: 'ignore' });
    expect(await ignore({ ...(await claim(12, [8])), origin: 'liaison/NL' })).toMatchObject({ action: 'ignore' });
  });

  it('refuses a smaller checkpoint published well after a larger one was cosigned (the log shrank), but ignores a replay', async () => {
    const cosignedAt = new Date('2026-12-02T01:00:00Z');
    const later = new Date(cosignedAt.getTime() + (SHRINK_MARGIN_SECONDS + 1) * 1000);
    const judged = async (publishedAt: Date | undefined) => judgeCheckpoint({ claim: await claim(5, []), state: { ...state(8), cosignedAt }, originKeys: keys, publishedAt });
    expect(await judged(later)).toMatchObject({ action: 'refuse', reason: 'smaller_tree', error: 'size 5 < last cosigned 8' });
    expect(await judged(new Date(cosignedAt.getTime() - 1000))).toMatchObject({ action: 'ignore', stale: true });
    // Within the clock-skew margin, or with no publication time, it may be a replay: ignored.
    expect(await judged(new Date(cosignedAt.getTime() + 5000))).toMatchObject({ action: 'ignore', stale: true });
    expect(await judged(undefined)).toMatchObject({ action: 'ignore', stale: true });
  });
});

describe('judgeSilence', () => {
  const now = new Date('2026-12-02T01:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it('is silent when envelopes keep arriving but no checkpoint followed within the limit', () => {
    expect(judgeSilence({ firstTrafficSince: ago(7), now, limitSeconds: 6 })).toEqual({ silent: true, seconds: 7 });
    expect(judgeSilence({ firstTrafficSince: ago(5), now, limitSeconds: 6 })).toEqual({ silent: false });
  });

  it('is not silent without traffic since the last checkpoint (an idle agency publishes none)', () => {
    expect(judgeSilence({ firstTrafficSince: null, now, limitSeconds: 6 })).toEqual({ silent: false });
  });
});
