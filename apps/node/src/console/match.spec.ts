// The console's reading of private-match input (browser ES module, transpiled by the unit project):
// pasted values into a check, pasted or chosen index files into import requests, the node's
// refusals back onto lines, and a hit's follow-up identifier.
import { Readable } from 'stream';
import { INDEX_COLUMNS, MATCH_KINDS, MAX_IMPORT_ENTRIES, MAX_MATCH_BATCH, canonicalMatchValue, readIndexFile, validateMatchCheckRequest, type MatchValue } from '@liaison/match';
import { validateComposeRequest } from '@liaison/notices';

type Value = Record<string, string>;
type Read = { values: Value[]; lines: number[]; defaulted: string[][]; errors: { field: string; message: string }[] };
const m = require('../../console/js/match.js') as {
  MAX_CHECK_VALUES: number;
  MAX_IMPORT_ENTRIES: number;
  MATCH_KINDS: string[];
  INDEX_COLUMNS: string[];
  readMatchValues(text: string, kind: string, defaults?: { country?: string; platform?: string }): Read;
  checkErrors(errors: { field: string; message: string }[], read: Read, partners: string[], humanise: (s: string) => string): { field: string; message: string }[];
  readIndexText(text: string): { entries: Value[]; lines: number[] };
  importBatches(entries: Value[], size?: number): { from: number; entries: Value[] }[];
  importErrors(errors: { field: string; message: string }[], lines: number[], from: number, humanise: (s: string) => string): string[];
  followUpSubject(value: Value, edited?: Record<string, string>): Record<string, unknown>;
};
const same = (s: string) => s;

describe('console: private match input', () => {
  it('keeps the limits, kinds and columns of @liaison/match', () => {
    expect({ values: m.MAX_CHECK_VALUES, entries: m.MAX_IMPORT_ENTRIES, kinds: m.MATCH_KINDS, columns: m.INDEX_COLUMNS })
      .toEqual({ values: MAX_MATCH_BATCH, entries: MAX_IMPORT_ENTRIES, kinds: [...MATCH_KINDS], columns: [...INDEX_COLUMNS] });
  });

  it('reads one value a line of each kind, with a trailing country or date and the defaults asked for, into a check the node accepts', () => {
    const docs = m.readMatchValues('X1234567, es\n\n  P-998 877  \nAB.12;34,ESP\n', 'document', { country: 'NL' });
    expect(docs).toMatchObject({ lines: [1, 3, 4], defaulted: [[], ['country'], []], errors: [] });
    expect(docs.values).toEqual([{ kind: 'document', value: 'X1234567', country: 'es' }, { kind: 'document', value: 'P-998 877', country: 'NL' }, { kind: 'document', value: 'AB.12;34', country: 'ESP' }]);
    expect(m.readMatchValues('+31 6 1000 0007\n06 1000 0008, NL', 'phone').values).toEqual([{ kind: 'phone', value: '+31 6 1000 0007' }, { kind: 'phone', value: '06 1000 0008', country: 'NL' }]);
    expect(m.readMatchValues('telegram:@Jobs\n@other', 'username', { platform: 'signal' }).values).toEqual([{ kind: 'username', value: '@Jobs', platform: 'telegram' }, { kind: 'username', value: '@other', platform: 'signal' }]);
    // A name may hold commas: the date is what follows the last one.
    expect(m.readMatchValues('Janssen, Pieter, 1980-04-12\nMaría José Pérez', 'person').values).toEqual([{ kind: 'person', value: 'Janssen, Pieter', dob: '1980-04-12' }, { kind: 'person', value: 'María José Pérez' }]);
    const emails = m.readMatchValues('a.b@Example.org', 'email');
    const checked = validateMatchCheckRequest({ values: [...docs.values, ...emails.values, ...m.readMatchValues('+31 6 1000 0007', 'phone').values], partners: ['ES'] });
    expect(checked.ok && checked.value.canonical).toEqual(['document:ES:X1234567', 'document:NL:P998877', 'document:ESP:AB1234', 'email:a.b@example.org', 'phone:+31610000007']);
  });

  it('refuses an empty list and one longer than a check carries', () => {
    expect(m.readMatchValues(' \n\n', 'email').errors).toEqual([{ field: '/values', message: 'enter at least one value' }]);
    const many = m.readMatchValues(Array.from({ length: 101 }, (_, i) => `a${i}@x.org`).join('\n'), 'email');
    expect(many.errors).toEqual([{ field: '/values', message: 'at most 100 values a check (101 entered)' }]);
  });

  it("places the node's refusals on the line typed, at the default's field when the default gave the field, and holders' at the holders", () => {
    const read = m.readMatchValues('X1\n\nX2ü, ES', 'document', { country: 'E' });
    const node = validateMatchCheckRequest({ values: read.values, partners: ['ES'] });
    expect(node.ok).toBe(false);
    const errors = m.checkErrors(node.ok ? [] : node.errors, read, ['ES'], same);
    expect(errors).toEqual([
      { field: '/defaults/country', message: 'line 1: document: the issuing country is 2 or 3 letters (ISO 3166-1)' },
      { field: '/values', message: 'line 3: document: the number has letters and digits only once separators are removed' },
    ]);
    expect(m.checkErrors([{ field: '/partners/1', message: 'no filter from CO yet: nothing can be checked against it' }], read, ['ES', 'CO'], same))
      .toEqual([{ field: '/partners', message: 'no filter from CO yet: nothing can be checked against it' }]);
  });

  it('reads CSV with a header (quotes, commas and line breaks in quotes) and JSON lines as the CLI reads the same file', async () => {
    const csv = 'kind,value,country,dob,op\ndocument,X1,ES,,\n\nperson,"Janssen, ""Piet""\nPieter",,1980-04-12,\ndocument,X2,ES,,remove\n';
    const read = m.readIndexText(csv);
    expect(read.lines).toEqual([2, 4, 6]);
    expect(read.entries).toEqual([
      { kind: 'document', value: 'X1', country: 'ES' },
      { kind: 'person', value: 'Janssen, "Piet"\nPieter', dob: '1980-04-12' },
      { kind: 'document', value: 'X2', country: 'ES', op: 'remove' },
    ]);
    const cli = [];
    for await (const r of readIndexFile(Readable.from([csv]), 'csv')) cli.push({ op: r.op, canonical: r.canonical });
    expect(read.entries.map((e) => ({ op: e.op ?? 'add', canonical: canonicalMatchValue(e as unknown as MatchValue) }))).toEqual(cli);

    const jsonl = m.readIndexText('{"kind":"email","value":"a@b.org"}\n\n{"kind":"phone","value":"+31610000007","op":"remove"}\n');
    expect(jsonl).toEqual({ entries: [{ kind: 'email', value: 'a@b.org' }, { kind: 'phone', value: '+31610000007', op: 'remove' }], lines: [1, 3] });
  });

  it('names the line of a record it cannot read, never its content', () => {
    const error = (text: string) => { try { m.readIndexText(text); return null; } catch (e) { return (e as Error).message; } };
    expect(error('kind,value,secret\ndocument,X1,Y')).toBe('line 1: unknown field secret (fields: kind, value, country, platform, dob, op)');
    expect(error('kind,value\ndocument,X1\ndocument,X2,ES')).toBe('line 3: 3 fields where the header has 2');
    expect(error('kind,value\ndocument,"X1')).toBe('line 2: a quoted field is not closed');
    expect(error('{"kind":"email","value":"a@b.org"}\n{"kind":"email","value":"SECRET')).toBe('line 2: not JSON');
    expect(error('{"kind":"email","value":7}')).toBe('line 1: value must be text');
    expect(error('kind,value\n,X1')).toBe('line 2: kind is one of document, phone, email, username, person');
  });

  it("splits an import into the node's requests and names the line of a refused entry in any of them", () => {
    const entries = Array.from({ length: 2500 }, (_, i) => ({ kind: 'document', value: `X${i}`, country: 'ES' }));
    expect(m.importBatches(entries).map((b) => [b.from, b.entries.length])).toEqual([[0, 1000], [1000, 1000], [2000, 500]]);
    const lines = entries.map((_, i) => i + 2); // after the header
    expect(m.importErrors([{ field: '/entries/7/value', message: 'document: the number has letters and digits only once separators are removed' }], lines, 1000, same))
      .toEqual(['line 1009: document: the number has letters and digits only once separators are removed']);
  });

  it("makes a hit's follow-up an identity query the node accepts, with the identifier as the operator corrected it", () => {
    const grounds = { case_reference: 'NL-2026-0042', legal_basis: 'EU Directive 2023/977 Art. 4', reason: 'Hit in the match index' };
    const query = (subject: Record<string, unknown>) => validateComposeRequest({
      kind: 'identity-query', recipients: ['ES'], re: '0190a5b2-7c00-7000-8000-000000000001', handling: { code: 'H0' }, grades: { source: 'B', information: 2 }, priority: 'normal',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(), body: { ...subject, ...grounds },
    });
    const subjects = [
      m.followUpSubject({ kind: 'document', value: 'X1000-0021', country: 'es' }, { type: 'passport' }),
      m.followUpSubject({ kind: 'person', value: 'Pieter Janssen', dob: '1980-04-12' }, { family: 'Janssen', given: 'Pieter' }),
      m.followUpSubject({ kind: 'phone', value: '06 1000 0008', country: 'NL' }, { family: 'Janssen' }),
      m.followUpSubject({ kind: 'email', value: 'a@b.org' }, { given: 'Pieter' }),
      m.followUpSubject({ kind: 'username', value: '@jobs_abroad', platform: 'telegram' }, { family: 'Janssen' }),
    ];
    expect(subjects.slice(0, 3)).toEqual([
      { identity_documents: [{ type: 'passport', number: 'X1000-0021', issuing_country: 'ES' }] },
      { names: { family: 'Janssen', given: 'Pieter' }, date_of_birth: '1980-04-12' },
      { selectors: [{ kind: 'phone', value: '06 1000 0008', country: 'NL' }], names: { family: 'Janssen' } },
    ]);
    // A selector alone names nobody: the node refuses it at /body, where the follow-up form shows it.
    expect((query(m.followUpSubject({ kind: 'email', value: 'a@b.org' })) as { errors?: { field: string }[] }).errors).toEqual([expect.objectContaining({ field: '/body' })]);
    for (const subject of subjects) expect({ subject, errors: (query(subject) as { errors?: unknown }).errors ?? [] }).toEqual({ subject, errors: [] });
  });
});
