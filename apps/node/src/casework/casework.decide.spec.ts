import { correlationView, indexRowsOf, parseSearch } from './casework.decide';

const hash = (kind: string, value: string) => Buffer.from(`${kind}=${value}`);

describe('casework decisions', () => {
  it('indexes a report by its selectors, subjects and case, all hashed', () => {
    const rows = indexRowsOf({ sender: 'NL', id: 'n1' }, 'intelligence-report', {
      narrative: 'n', case_reference: 'nl-2026-0042',
      subjects: [{ names: { given: 'Piet', family: 'Jansen' }, date_of_birth: '1988-04-01', identity_documents: [{ type: 'passport', number: 'NX-12', issuing_country: 'NL' }] }],
      selectors: [{ kind: 'phone', value: '+31 6 12345678' }, { kind: 'username', value: '@Jobs_Abroad', platform: 'telegram' }],
    }, null, hash);
    expect(rows.map((r) => [r.term.toString(), r.termKind, r.correlates])).toEqual([
      ['case_reference=NL-2026-0042', 'case_reference', false],
      ['phone=+31612345678', 'phone', true],
      ['username=telegram:jobs_abroad', 'username', true],
      ['name=piet jansen', 'name', false],
      ['name=jansen', 'name', false],
      ['person=piet jansen|1988-04-01', 'person', true],
      ['date_of_birth=1988-04-01', 'date_of_birth', false],
      ['document=NL:NX12', 'document', true],
    ]);
    expect(rows.every((r) => r.noticeSender === 'NL' && r.noticeId === 'n1')).toBe(true);
  });

  it('indexes a notice of a case by the case\'s reference too, once, whatever its body says (decision 0023)', () => {
    const body = { case_reference: 'ES-2026-7', reason: 'r', legal_basis: 'l', names: { family: 'Jansen' } };
    const references = (caseReference: string | null, b: unknown = body) =>
      indexRowsOf({ sender: 'ES', id: 'q1' }, 'identity-query', b, caseReference, hash).filter((r) => r.termKind === 'case_reference').map((r) => r.term.toString());
    expect(references('nl-2026-0001')).toEqual(['case_reference=NL-2026-0001', 'case_reference=ES-2026-7']);
    expect(references('NL-2026-0001', { ...body, case_reference: 'NL-2026-0001' })).toEqual(['case_reference=NL-2026-0001']);
    expect(references(null)).toEqual(['case_reference=ES-2026-7']);
    // Membership events are not the case's notices.
    expect(indexRowsOf({ sender: 'NL', id: 'e1' }, 'case-invite', { agency: 'ES', seq: 1 }, 'NL-2026-0001', hash)).toEqual([]);
  });

  it('indexes a hit by its matched identity', () => {
    const rows = indexRowsOf({ sender: 'ES', id: 'r1' }, 'response', {
      outcome: 'hit', details: { summary: 's', identity: { names: [{ family: 'Jansen', given: 'Pieter' }, { family: 'Janssen' }], date_of_birth: '1980', identity_documents: [{ type: 'passport', number: 'x1', issuing_country: 'NL' }], confidence: 'possible' } },
    }, null, hash);
    expect(rows.filter((r) => r.correlates).map((r) => r.term.toString())).toEqual(['person=pieter jansen|1980', 'person=janssen|1980', 'document=NL:X1']);
    expect(indexRowsOf({ sender: 'ES', id: 'r2' }, 'receipt', { received_at: 'x' }, null, hash)).toEqual([]);
  });

  it('parses a search into normalised terms, naming each wrong parameter', () => {
    expect(parseSearch({ selector: '0031 6 12345678', selector_kind: 'phone', name: 'JANSEN' })).toEqual({
      ok: true, value: { terms: [{ kind: 'name', value: 'jansen' }, { kind: 'phone', value: '+31612345678' }], limit: 50 },
    });
    expect(parseSearch({})).toEqual({ ok: false, errors: [{ field: 'query', message: 'name at least one of case_reference, name, date_of_birth, document, selector' }] });
    const bad = parseSearch({ selector: 'https://u:p@x.example/', selector_kind: 'url', document: 'X1', date_of_birth: '31/12/1980', limit: '1000' });
    expect(bad.ok ? [] : bad.errors.map((e) => e.field)).toEqual(['date_of_birth', 'document_country', 'selector', 'limit']);
    const kind = parseSearch({ selector: 'x', selector_kind: 'fax' });
    expect(kind.ok ? [] : kind.errors).toEqual([{ field: 'selector_kind', message: 'must be one of: phone, email, url, username' }]);
    const array = parseSearch({ name: ['a', 'b'] });
    expect(array.ok ? [] : array.errors).toEqual([{ field: 'name', message: 'must be a non-empty text' }]);
  });

  it('says what is shared, with whom, and how long ago', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const row = { sender: 'ES', id: 'q1', direction: 'inbound' as const, kind: 'identity-query', issuedAt: new Date('2026-12-01T10:00:00Z'), recipients: ['NL'], termKinds: ['phone'], shared: 1, caseId: null, caseReference: null };
    expect(correlationView(row, 'ES-2026-7', 'NL', now).text).toBe('phone number also in identity-query from ES (case ES-2026-7), 3 days ago');
    // The case the envelope names wins over the body's own reference.
    const inCase = correlationView({ ...row, caseId: '0193f3a0-0000-7000-8000-000000000001', caseReference: 'NL-2026-0001' }, 'ES-2026-7', 'NL', now);
    expect(inCase).toMatchObject({ case: '0193f3a0-0000-7000-8000-000000000001', caseReference: 'NL-2026-0001' });
    expect(inCase.text).toBe('phone number also in identity-query from ES (case NL-2026-0001), 3 days ago');
    expect(correlationView({ ...row, sender: 'NL', direction: 'outbound', recipients: ['ES', 'CO'], termKinds: ['document', 'phone'], issuedAt: new Date('2026-12-04T07:00:00Z') }, null, 'NL', now).text)
      .toBe('document number, phone number also in identity-query sent by NL to ES, CO, 3 hours ago');
  });
});
