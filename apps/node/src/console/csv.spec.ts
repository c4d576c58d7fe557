// The console's CSV export (browser ES module, transpiled by the unit project).
const csv = require('../../console/js/csv.js') as { csvCell(v: unknown): string; csvHeader(): string; csvLine(e: object): string };

describe('console CSV export of ledger entries', () => {
  it('quotes as RFC 4180 says: commas, quotes and line breaks inside a cell', () => {
    expect(csv.csvCell('plain')).toBe('plain');
    expect(csv.csvCell('a,b')).toBe('"a,b"');
    expect(csv.csvCell('say "no"')).toBe('"say ""no"""');
    expect(csv.csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csv.csvCell(null)).toBe('');
    expect(csv.csvCell(42)).toBe('42');
  });

  it('neutralises cells a spreadsheet would run as formulas (a decline reason comes from another agency)', () => {
    expect(csv.csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const start of ['+', '-', '@', '\t']) expect(csv.csvCell(`${start}1`)).toBe(`'${start}1`);
  });

  it('writes one header and one line per entry in the same column order', () => {
    expect(csv.csvHeader()).toBe('seq,time,event,kind,counterpart,messageId,re,digest,actor,reason');
    expect(csv.csvLine({ seq: 7, time: '2026-12-02T01:00:00.000Z', event: 'declined', actor: 'officer', reason: 'no, not ours' }))
      .toBe('7,2026-12-02T01:00:00.000Z,declined,,,,,,officer,"no, not ours"');
  });
});
