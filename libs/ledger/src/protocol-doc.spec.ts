// Keeps docs/protocol/ledger.md honest: its example is recomputed and verified here.
import { createHash, createPrivateKey, KeyObject } from 'crypto';
import { readFileSync } from 'fs';
import * as path from 'path';
import { verifyBundle } from './bundle';
import { entryJson, entryLeafHash, validateEntry } from './entry';
import { MerkleTreeBuilder } from './merkle';
import { addSignatureLines, checkpointBody, cosign, rawEd25519PublicKey, signNote } from './note';

const doc = readFileSync(path.resolve(__dirname, '../../../docs/protocol/ledger.md'), 'utf8');
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function keyFromLabel(label: string): KeyObject {
  const seed = createHash('sha256').update(label).digest();
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}
const logKey = keyFromLabel('liaison example log key');
const witnessKey = keyFromLabel('liaison example witness key');
const ORIGIN = 'liaison.example/ee-ppa';

describe('docs/protocol/ledger.md example', () => {
  const leafBlock = blocks.find((b) => b.text.startsWith('{"actor"'));
  const lines = (leafBlock?.text ?? '').trim().split('\n');
  const entries = lines.filter((_, i) => i % 2 === 0).map((l) => {
    const v = validateEntry(JSON.parse(l));
    if (!v.ok) throw new Error(v.error);
    return v.entry;
  });

  it('lists public keys derived from the stated seeds', () => {
    expect(doc).toContain(hex(rawEd25519PublicKey(logKey)));
    expect(doc).toContain(hex(rawEd25519PublicKey(witnessKey)));
  });

  it('shows canonical leaves, their hashes and the root', () => {
    expect(entries).toHaveLength(3);
    const b = new MerkleTreeBuilder();
    entries.forEach((e, i) => {
      expect(entryJson(e)).toBe(lines[2 * i]);
      expect(hex(entryLeafHash(e))).toBe(lines[2 * i + 1]);
      b.append(entryLeafHash(e));
    });
    expect(doc).toContain(`Root of the 3-leaf tree: \`${hex(b.root())}\``);
  });

  it('shows the signed, cosigned checkpoint byte for byte', () => {
    const b = new MerkleTreeBuilder();
    entries.forEach((e) => b.append(entryLeafHash(e)));
    const body = checkpointBody({ origin: ORIGIN, size: 3, rootHash: b.root() });
    const note = addSignatureLines(signNote(body, ORIGIN, logKey), [cosign(body, 'witness.example/w1', witnessKey, 1_764_000_000)]);
    const shown = blocks.find((b2) => b2.text.startsWith(`${ORIGIN}\n3\n`));
    expect(shown?.text).toBe(note);
  });

  it('has bundles that verify with the pinned keys', async () => {
    const bundles = blocks.filter((b) => b.lang === 'ndjson');
    expect(bundles).toHaveLength(2);
    for (const b of bundles) {
      const r = await verifyBundle(b.text.trim().split('\n'), {
        logPublicKey: logKey,
        witnesses: [{ name: 'witness.example/w1', key: witnessKey }],
      });
      expect(r.errors).toEqual([]);
      expect(r).toMatchObject({ ok: true, treeSize: 3, keysPinned: true, cosignatures: { valid: 1, required: 1 } });
    }
  });
});
