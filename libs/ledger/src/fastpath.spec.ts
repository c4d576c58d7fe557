import fc from 'fast-check';
import { bundleLine } from './bundle';
import { LEDGER_EVENTS, LedgerEntry, entryLeafHash, validateEntry } from './entry';
import { fastEntryLine } from './fastpath';

const base: LedgerEntry = {
  seq: 12,
  time: '2026-11-24T07:40:22.123Z',
  event: 'received',
  messageId: 'm-1',
  kind: 'identity-query',
  counterpart: 'NL-KLPD',
  channel: { sender: 'NL-KLPD', recipient: 'EE-PPA', seq: 3 },
  digest: 'ab'.repeat(32),
  re: null,
  actor: null,
  reason: null,
};

/** What the general path concludes for a line: the leaf of a valid entry, or null. */
function general(line: string): { seq: number; leaf: Uint8Array } | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  const r = validateEntry((v as { entry?: unknown } | null)?.entry);
  return r.ok ? { seq: r.entry.seq, leaf: entryLeafHash(r.entry) } : null;
}

const str = fc.string({ unit: 'binary' }).filter((s) => !/\p{Surrogate}/u.test(s));
const entryArb = fc.record({
  seq: fc.maxSafeNat(),
  time: fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
  event: fc.constantFrom(...LEDGER_EVENTS),
  messageId: fc.option(str, { nil: null }),
  kind: fc.option(str, { nil: null }),
  counterpart: fc.option(str, { nil: null }),
  channel: fc.option(fc.record({ sender: str, recipient: str, seq: fc.maxSafeNat() }), { nil: null }),
  digest: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')), { nil: null }),
  re: fc.option(str, { nil: null }),
  actor: fc.option(str, { nil: null }),
  reason: fc.option(str, { nil: null }),
});

describe('fast path for canonical entry lines', () => {
  it('takes every line bundleLine writes, with the same leaf (property)', () => {
    fc.assert(
      fc.property(entryArb, (e) => {
        const fast = fastEntryLine(bundleLine({ type: 'entry', entry: e }));
        expect(fast).not.toBeNull();
        expect(fast?.seq).toBe(e.seq);
        expect(Buffer.from(fast?.leaf ?? [])).toEqual(Buffer.from(entryLeafHash(e)));
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts a mutated line the general path refuses, nor hashes it differently (property)', () => {
    const edit = fc.tuple(fc.nat(), fc.nat(3), fc.string({ unit: 'binary', maxLength: 3 }));
    fc.assert(
      fc.property(entryArb, fc.array(edit, { minLength: 1, maxLength: 3 }), (e, edits) => {
        let line = bundleLine({ type: 'entry', entry: e });
        for (const [at, del, ins] of edits) {
          const i = at % (line.length + 1);
          line = line.slice(0, i) + ins + line.slice(i + del);
        }
        const fast = fastEntryLine(line);
        if (fast === null) return;
        const slow = general(line);
        expect(slow).not.toBeNull();
        expect(slow?.seq).toBe(fast.seq);
        expect(Buffer.from(slow?.leaf ?? [])).toEqual(Buffer.from(fast.leaf));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['whitespace', (l: string) => l.replace('"entry":{', '"entry": {')],
    ['keys out of order', (l: string) => l.replace('{"actor":null,"channel"', '{"channel"').replace(',"counterpart"', ',"actor":null,"counterpart"')],
    ['\\u0008 instead of \\b', (l: string) => l.replace('"reason":null', '"reason":"\\u0008"')],
    ['escaped solidus', (l: string) => l.replace('"reason":null', '"reason":"\\/"')],
    ['escaped non-ASCII', (l: string) => l.replace('"reason":null', '"reason":"\\u00e9"')],
    ['lone surrogate escape', (l: string) => l.replace('"reason":null', '"reason":"\\ud800"')],
    ['raw lone surrogate', (l: string) => l.replace('"reason":null', '"reason":"\ud800"')],
    ['leading zero', (l: string) => l.replace('"seq":12', '"seq":012')],
    ['unsafe integer', (l: string) => l.replace('"seq":12', '"seq":9007199254740993')],
    ['impossible date', (l: string) => l.replace('2026-11-24', '2026-02-30')],
    ['extra member', (l: string) => l.replace('"time"', '"x":1,"time"')],
    ['proof attached', (l: string) => l.replace(/\}$/, ',"proof":[]}')],
  ])('leaves lines with %s to the general path', (_label, change) => {
    const line = bundleLine({ type: 'entry', entry: base });
    expect(fastEntryLine(line)).not.toBeNull();
    const changed = change(line);
    expect(changed).not.toBe(line);
    expect(fastEntryLine(changed)).toBeNull();
  });

  it('stays linear on hostile lines (no catastrophic backtracking)', () => {
    const line = bundleLine({ type: 'entry', entry: { ...base, reason: 'a'.repeat(200_000) } });
    const t0 = Date.now();
    expect(fastEntryLine(line)).not.toBeNull();
    expect(fastEntryLine(line.replace(/"time":.*$/, '"time":"x'))).toBeNull();
    expect(fastEntryLine(`${line.slice(0, -2)}\\`)).toBeNull();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

