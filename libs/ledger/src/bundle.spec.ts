import { KeyObject, generateKeyPairSync } from 'crypto';
import fc from 'fast-check';
import { BundleHeader, bundleLines, ndjsonLines, verifyBundle } from './bundle';
import { LedgerEntry, entryLeafHash } from './entry';
import { simulateExchange } from './fixtures';
import { inclusionProof, merkleRoot, subtreeHashFromLeaves } from './merkle';
import { addSignatureLines, checkpointBody, cosign, ed25519PublicJwk, signNote } from './note';

const ORIGIN = 'liaison.example/ee-ppa';
const logKey = generateKeyPairSync('ed25519');
const w1 = generateKeyPairSync('ed25519');
const w2 = generateKeyPairSync('ed25519');
const entries = simulateExchange('EE-PPA', 'NL-KLPD', 10).a; // 30 entries: sent, delivered, received per query
const leaves = entries.map(entryLeafHash);

function checkpointNote(size: number, witnesses: [string, KeyObject][] = [['w1.example', w1.privateKey], ['w2.example', w2.privateKey]]): string {
  const body = checkpointBody({ origin: ORIGIN, size, rootHash: merkleRoot(leaves, 0, size) });
  return addSignatureLines(signNote(body, ORIGIN, logKey.privateKey), witnesses.map(([n, k]) => cosign(body, n, k, 1_764_000_000)));
}

async function makeBundle(opts: { from?: number; to?: number; every?: number; list?: LedgerEntry[] } = {}): Promise<string[]> {
  const from = opts.from ?? 0;
  const to = opts.to ?? entries.length;
  const header: BundleHeader = {
    type: 'liaison-audit-bundle',
    version: 1,
    origin: ORIGIN,
    agency: 'EE-PPA',
    from,
    to,
    treeSize: entries.length,
    directory: null,
    keys: { log: ed25519PublicJwk(logKey.publicKey), witnesses: [{ name: 'w1.example', jwk: ed25519PublicJwk(w1.publicKey) }, { name: 'w2.example', jwk: ed25519PublicJwk(w2.publicKey) }] },
    quorum: 2,
  };
  const intermediate = new Map<number, string>();
  if (opts.every !== undefined) for (let s = opts.every; s < entries.length; s += opts.every) intermediate.set(s, checkpointNote(s, []));
  const out: string[] = [];
  for await (const l of bundleLines({
    header,
    entries: opts.list ?? entries.slice(from, to),
    checkpoint: checkpointNote(entries.length),
    inclusionProof: (seq) => inclusionProof(seq, entries.length, subtreeHashFromLeaves(leaves)),
    intermediateCheckpoints: intermediate,
  })) out.push(l);
  return out;
}

const pinned = {
  logPublicKey: logKey.publicKey,
  witnesses: [{ name: 'w1.example', key: w1.publicKey }, { name: 'w2.example', key: w2.publicKey }],
};

/** Replaces the entry line of `seq` with an altered copy. */
function tamper(lines: string[], seq: number, change: (e: LedgerEntry) => void): string[] {
  return lines.map((l) => {
    const v = JSON.parse(l) as { type: string; entry?: LedgerEntry };
    if (v.type !== 'entry' || v.entry?.seq !== seq) return l;
    change(v.entry);
    return JSON.stringify(v);
  });
}

describe('verifyBundle: full bundles', () => {
  it('accepts an honest bundle, with pinned keys', async () => {
    const r = await verifyBundle(await makeBundle(), pinned);
    expect(r).toMatchObject({ ok: true, treeSize: 30, entries: 30, full: true, keysPinned: true, checkpoint: { signatureValid: true } });
    expect(r.cosignatures).toEqual({ valid: 2, required: 2, names: ['w1.example', 'w2.example'] });
    expect(r.errors).toEqual([]);
    expect(r.firstBadEntry).toBeUndefined();
  });
  it('reads a chunked byte stream through ndjsonLines', async () => {
    const text = (await makeBundle()).join('');
    async function* chunks() {
      const bytes = Buffer.from(text, 'utf8');
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const r = await verifyBundle(ndjsonLines(chunks()));
    expect(r.ok).toBe(true);
    expect(r.keysPinned).toBe(false);
  });
  it('bounds an altered entry by the whole range without intermediate checkpoints', async () => {
    const r = await verifyBundle(tamper(await makeBundle(), 17, (e) => { e.actor = 'someone-else'; }), pinned);
    expect(r.ok).toBe(false);
    expect(r.firstBadEntry).toMatchObject({ seq: 0, range: { from: 0, to: 30 } });
  });
  it('localises an altered entry between intermediate checkpoints', async () => {
    const lines = await makeBundle({ every: 8 });
    expect((await verifyBundle(lines, pinned)).ok).toBe(true);
    const r = await verifyBundle(tamper(lines, 17, (e) => { e.digest = 'f'.repeat(64); }), pinned);
    expect(r.ok).toBe(false);
    expect(r.checkpoint.intermediate).toBe(3);
    expect(r.firstBadEntry).toMatchObject({ seq: 16, range: { from: 16, to: 24 } });
  });
  it('names a removed entry, a duplicate and a reordering exactly', async () => {
    const lines = await makeBundle();
    const withoutFive = lines.filter((l) => (JSON.parse(l) as { entry?: LedgerEntry }).entry?.seq !== 5);
    expect(withoutFive.length).toBe(lines.length - 1);
    expect((await verifyBundle(withoutFive, pinned)).firstBadEntry).toMatchObject({ seq: 5, reason: 'missing entries 5..5' });
    const dup = [...lines.slice(0, 8), lines[7], ...lines.slice(8)];
    expect((await verifyBundle(dup, pinned)).firstBadEntry).toMatchObject({ seq: 7 });
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    const r = await verifyBundle(swapped, pinned);
    expect(r.ok).toBe(false);
    expect(r.firstBadEntry?.seq).toBe(2);
  });
  it('names an invalid entry', async () => {
    const r = await verifyBundle(tamper(await makeBundle(), 9, (e) => { (e as unknown as { extra: number }).extra = 1; }), pinned);
    expect(r.firstBadEntry).toMatchObject({ seq: 9, reason: 'invalid entry: unknown member "extra"' });
  });
  it('refuses a checkpoint signed by another key, or a missing quorum', async () => {
    const lines = await makeBundle();
    const other = generateKeyPairSync('ed25519');
    const r = await verifyBundle(lines, { ...pinned, logPublicKey: other.publicKey });
    expect(r).toMatchObject({ ok: false, checkpoint: { signatureValid: false } });
    const r2 = await verifyBundle(lines, { ...pinned, witnesses: [pinned.witnesses[0]], quorum: 2 });
    expect(r2).toMatchObject({ ok: false, cosignatures: { valid: 1, required: 2, names: ['w1.example'] } });
    const r3 = await verifyBundle(lines, { ...pinned, witnesses: [pinned.witnesses[0], pinned.witnesses[0]], quorum: 2 });
    expect(r3.cosignatures.valid).toBe(1); // the same witness twice is one vote
  });
  it('refuses a truncated bundle or one without header', async () => {
    const lines = await makeBundle();
    expect((await verifyBundle(lines.slice(0, -1), pinned)).errors).toContain('bundle does not end with a checkpoint line');
    expect((await verifyBundle(lines.slice(1), pinned)).ok).toBe(false);
    expect((await verifyBundle([], pinned)).ok).toBe(false);
    expect((await verifyBundle(['not json'], pinned)).ok).toBe(false);
  });
});

describe('verifyBundle: partial ranges with inclusion proofs', () => {
  it('accepts an honest range', async () => {
    const r = await verifyBundle(await makeBundle({ from: 10, to: 25 }), pinned);
    expect(r).toMatchObject({ ok: true, full: false, entries: 15, treeSize: 30 });
  });
  it('names the altered entry exactly, wherever it is in the range', async () => {
    const lines = await makeBundle({ from: 10, to: 25 });
    for (const seq of [10, 11, 18, 24]) {
      const r = await verifyBundle(tamper(lines, seq, (e) => { e.time = '2030-01-01T00:00:00.000Z'; }), pinned);
      expect(r.ok).toBe(false);
      expect(r.firstBadEntry?.seq).toBe(seq);
    }
  });
  it('names the first of several altered entries (property)', async () => {
    const lines = await makeBundle({ from: 5, to: 29 });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 5, max: 28 }), { minLength: 1, maxLength: 5 }), async (seqs) => {
        let t = lines;
        for (const s of seqs) t = tamper(t, s, (e) => { e.reason = 'edited'; });
        const r = await verifyBundle(t, pinned);
        expect(r.ok).toBe(false);
        expect(r.firstBadEntry?.seq).toBe(Math.min(...seqs));
      }),
      { numRuns: 30 },
    );
  });
  it('names a bad proof before a later structural fault', async () => {
    const lines = await makeBundle({ from: 10, to: 25 });
    const t = tamper(lines, 12, (e) => { e.actor = 'x'; }).filter((l) => (JSON.parse(l) as { entry?: LedgerEntry }).entry?.seq !== 20);
    const r = await verifyBundle(t, pinned);
    expect(r.firstBadEntry).toMatchObject({ seq: 12, reason: 'inclusion proof does not lead to the checkpoint root' });
    expect(r.errors.some((e) => e.startsWith('entry 20: missing entries 20..20'))).toBe(true);
  });
  it('refuses a range entry without proof', async () => {
    const lines = (await makeBundle({ from: 10, to: 12 })).map((l) => l.replace(/,"proof":\[[^\]]*\]/, ''));
    const r = await verifyBundle(lines, pinned);
    expect(r.firstBadEntry).toMatchObject({ seq: 10 });
  });
});

describe('verifyBundle: hostile input', () => {
  it('never throws and never accepts junk (property)', async () => {
    const honest = await makeBundle({ every: 8 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.constantFrom(...honest), fc.json())), async (lines) => {
        const r = await verifyBundle(lines, pinned);
        expect(typeof r.ok).toBe('boolean');
        // Acceptance needs the honest header, all 30 honest entries and the final checkpoint.
        if (r.ok) {
          expect(lines.find((l) => l.trim() !== '')).toBe(honest[0]);
          expect(r.entries).toBe(30);
        }
      }),
      { numRuns: 100 },
    );
    expect((await verifyBundle([1, null, {}] as unknown as string[], pinned)).ok).toBe(false);
  });
  it('refuses entries after the final checkpoint, or past the range end', async () => {
    const lines = await makeBundle();
    const r = await verifyBundle([...lines, lines[1]], pinned);
    expect(r.ok).toBe(false);
    expect(r.errors).toContain('bundle does not end with a checkpoint line');
    const extra = [...lines.slice(0, -1), lines[1].replace('"seq":0,', '"seq":30,'), lines[lines.length - 1]];
    const r2 = await verifyBundle(extra, pinned);
    expect(r2.ok).toBe(false);
    expect(r2.firstBadEntry?.seq).toBe(30);
  });
  it('refuses a misplaced intermediate checkpoint', async () => {
    const lines = await makeBundle({ every: 8 });
    const i = lines.findIndex((l) => l.startsWith('{"type":"checkpoint"'));
    const moved = [...lines];
    [moved[i - 1], moved[i]] = [moved[i], moved[i - 1]];
    const r = await verifyBundle(moved, pinned);
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(/intermediate checkpoint of size 8 placed after 7 entries/);
  });
  it('keeps a bounded number of errors', async () => {
    const lines = await makeBundle();
    const junk = [lines[0], ...Array.from({ length: 500 }, () => '{"type":"entry","entry":{}}'), lines[lines.length - 1]];
    const r = await verifyBundle(junk, { ...pinned, maxErrors: 10 });
    expect(r.errors.length).toBe(11);
    expect(r.errors[10]).toMatch(/more errors/);
    expect(r.firstBadEntry?.seq).toBe(0);
  });
});

