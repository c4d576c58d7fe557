import { LedgerEntry, entryLeafHash } from './entry';
import { simulateExchange } from './fixtures';
import { merkleRoot } from './merkle';
import { SelfAudit, StoredLogEntry, tailUnchanged } from './self-audit';

const log = simulateExchange('EE', 'NL', 10).a;
const n = log.length;
const stored = (entries: readonly LedgerEntry[]): StoredLogEntry[] => entries.map((entry) => ({ entry, leafHash: entryLeafHash(entry) }));
const leaves = stored(log).map((r) => r.leafHash);
const head = { size: BigInt(log.length), root: merkleRoot(leaves) };
const checkpoints = [8, 20, n].map((size) => ({ size, root: merkleRoot(leaves, 0, size) }));

function audit(rows: StoredLogEntry[], h = head) {
  const a = new SelfAudit();
  a.expectRoots(checkpoints);
  for (const r of rows) a.feed(r, h.size);
  return a.finish(h).damage;
}

describe('SelfAudit', () => {
  it('finds nothing wrong with an intact log, and resumes from a verified state', () => {
    expect(audit(stored(log))).toEqual([]);
    const first = new SelfAudit();
    for (const r of stored(log.slice(0, 17))) first.feed(r, head.size);
    const rest = new SelfAudit(first.state() as { size: bigint; frontier: Uint8Array[] });
    rest.expectRoots(checkpoints);
    for (const r of stored(log.slice(17))) rest.feed(r, head.size);
    expect(rest.finish(head).damage).toEqual([]);
  });

  it('names an entry edited in place', () => {
    const rows = stored(log);
    rows[12] = { ...rows[12], entry: { ...rows[12].entry, counterpart: 'ZZ' } };
    expect(audit(rows)).toEqual([expect.objectContaining({ kind: 'edited', seq: 12 })]);
  });

  it('names an entry rewritten together with its leaf hash by the signed root it breaks', () => {
    const rows = stored(log);
    const forged = { ...rows[12].entry, counterpart: 'ZZ' };
    rows[12] = { entry: forged, leafHash: entryLeafHash(forged) };
    expect(audit(rows)).toEqual([expect.objectContaining({ kind: 'root_mismatch', seq: 19 })]);
  });

  it('names a deleted middle entry and a deleted tail', () => {
    expect(audit(stored(log).filter((r) => r.entry.seq !== 7))).toEqual([expect.objectContaining({ kind: 'missing', seq: 7 })]);
    expect(audit(stored(log).slice(0, n - 3))).toEqual([expect.objectContaining({ kind: 'truncated', seq: n - 3, toSeq: n - 1 })]);
  });

  it('names a forged entry inserted at the next seq', () => {
    const forged = { ...log[n - 1], seq: n };
    expect(audit([...stored(log), { entry: forged, leafHash: entryLeafHash(forged) }])).toEqual([expect.objectContaining({ kind: 'inserted', seq: n })]);
  });

  it('names two entries swapped', () => {
    const rows = stored(log);
    const a = rows[5];
    const b = rows[9];
    rows[5] = { entry: { ...b.entry, seq: 5 }, leafHash: b.leafHash };
    rows[9] = { entry: { ...a.entry, seq: 9 }, leafHash: a.leafHash };
    const damage = audit(rows);
    expect(damage.filter((d) => d.kind === 'reordered')).toEqual([
      expect.objectContaining({ seq: 5, detail: 'entry 5 holds the entry appended as 9' }),
      expect.objectContaining({ seq: 9, detail: 'entry 9 holds the entry appended as 5' }),
    ]);
  });

  it('names a head rolled back below a signed checkpoint', () => {
    const short = { size: BigInt(n - 5), root: merkleRoot(leaves, 0, n - 5) };
    const damage = audit(stored(log), short);
    expect(damage.map((d) => d.kind)).toEqual(expect.arrayContaining(['inserted', 'truncated']));
    expect(damage.find((d) => d.kind === 'truncated')?.detail).toMatch(new RegExp(`checkpoint ${n} is beyond the head`));
  });
});

describe('tailUnchanged (the self-audit follow looks only when the tail moved)', () => {
  it('is unchanged only at the verified size with its last entry last', () => {
    expect(tailUnchanged(5n, { size: 5n, lastSeq: 4n })).toBe(true);
    expect(tailUnchanged(0n, { size: 0n, lastSeq: null })).toBe(true);
  });

  it('needs the follow for new entries, a head gone back, a row beyond the head or a missing last entry', () => {
    expect(tailUnchanged(5n, { size: 6n, lastSeq: 5n })).toBe(false);
    expect(tailUnchanged(5n, { size: 4n, lastSeq: 3n })).toBe(false);
    expect(tailUnchanged(5n, { size: 5n, lastSeq: 5n })).toBe(false);
    expect(tailUnchanged(5n, { size: 5n, lastSeq: 3n })).toBe(false);
    expect(tailUnchanged(0n, { size: 0n, lastSeq: 0n })).toBe(false);
  });
});
