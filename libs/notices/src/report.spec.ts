import { readFileSync } from 'fs';
import { join } from 'path';
import {
  MAX_REPORT_SUBJECTS,
  checkAttachmentReferences,
  REFUSAL_GROUNDS,
  REFUSAL_GROUND_CODES,
  allowedEventsOf,
  isOverdue,
  kindBehaviour,
  replyDeadlineOf,
  summarizeNotice,
  toResponseBody,
  transitionOf,
  validateAnswerRequest,
  validateBodyForEnvelope,
  validateComposeRequest,
  validateDeclineRequest,
  validateNoticeBody,
} from './index';

const report = (extra: Record<string, unknown> = {}) => ({
  narrative: 'Telegram group "jobs-abroad" recruits for sham modelling contracts.',
  case_reference: 'NL-2026-0042',
  case: 'op-lighthouse-2026',
  subjects: [{ names: { given: 'Piet', family: 'Jansen' }, date_of_birth: '1988-04-01' }],
  selectors: [
    { kind: 'phone', value: '+31 6 12345678' },
    { kind: 'username', value: '@JobsAbroad', platform: 'telegram' },
    { kind: 'url', value: 'https://t.me/jobsabroad' },
    { kind: 'email', value: 'recruit@Example.COM' },
  ],
  attachments: [{ digest: 'b'.repeat(64), reference: 'attachment:0193f3', name: 'screenshot.png', media_type: 'image/png', size: 48213 }],
  ...extra,
});

const fields = (r: ReturnType<typeof validateNoticeBody>) => (r.ok ? [] : r.errors.map((e) => `${e.field} ${e.message}`));

describe('intelligence-report', () => {
  it('accepts a report with subjects, selectors, attachments and a case', () => {
    expect(validateNoticeBody('intelligence-report', report())).toEqual({ ok: true });
    expect(validateNoticeBody('intelligence-report', { narrative: 'Only a narrative.' })).toEqual({ ok: true });
  });

  it("docs/PROTOCOL.md's example is valid, its subject's photo one of the report's attachments", () => {
    const doc = readFileSync(join(__dirname, '../../../docs/PROTOCOL.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Intelligence reports'), doc.indexOf('### Response bodies'));
    const example = JSON.parse((/```json\n([\s\S]*?)\n```/.exec(section) as RegExpExecArray)[1].replace('…', ''));
    expect(validateNoticeBody('intelligence-report', example)).toEqual({ ok: true });
    const photo = example.subjects[0].photo.attachment;
    expect(checkAttachmentReferences(example, [{ id: photo, type: 'image/png' }])).toBeNull();
    expect(checkAttachmentReferences(example, [])).toBe(`photo refers to attachment ${photo}, which the notice does not carry`);
  });

  it('names each field that is wrong, selectors by their place once normalised', () => {
    expect(fields(validateNoticeBody('intelligence-report', { case_reference: 'X' }))).toEqual(['/narrative is required']);
    const bad = report({
      selectors: [{ kind: 'phone', value: '+31 6 1234' }, { kind: 'url', value: 'https://user:pw@example.com/' }, { kind: 'url', value: 'https://exa\u0000mple.com/' }, { kind: 'fax', value: '1' }],
    });
    expect(fields(validateNoticeBody('intelligence-report', bad))).toEqual([
      '/selectors/2/value contains characters or a layout that is not allowed', // the schema already refuses control characters
    ]);
    const normalisation = report({ selectors: [{ kind: 'phone', value: '+31 6 1234' }, { kind: 'url', value: 'https://user:pw@example.com/' }, { kind: 'fax', value: '1' }] });
    expect(fields(validateNoticeBody('intelligence-report', normalisation))).toEqual([
      '/selectors/0/value is not a valid phone number for its country',
      '/selectors/1/value must not contain credentials (user:password@)',
      '/selectors/2/kind must be one of: phone, email, url, username',
    ]);
  });

  it('refuses 10,000 selectors, more than 100 subjects, and hostile attachment references', () => {
    const many = Array.from({ length: 10_000 }, () => ({ kind: 'phone', value: '+31612345678' }));
    expect(fields(validateNoticeBody('intelligence-report', report({ selectors: many })))).toEqual(['/selectors must NOT have more than 1000 items']);
    const people = Array.from({ length: MAX_REPORT_SUBJECTS + 1 }, () => ({ names: { family: 'X' } }));
    expect(fields(validateNoticeBody('intelligence-report', report({ subjects: people })))).toEqual([`/subjects must NOT have more than ${MAX_REPORT_SUBJECTS} items`]);
    expect(fields(validateNoticeBody('intelligence-report', report({ attachments: [{ digest: 'XYZ', reference: 'a', media_type: 'text/html; charset=x' }] })))).toEqual([
      '/attachments/0/digest contains characters or a layout that is not allowed',
      '/attachments/0/media_type contains characters or a layout that is not allowed',
    ]);
    expect(fields(validateNoticeBody('intelligence-report', report({ case: '../../etc' })))).toEqual(['/case contains characters or a layout that is not allowed']);
  });

  it('names its case in the request, not the body: a body `case` is still read (sent before) but never composed', () => {
    const request = (body: Record<string, unknown>) => ({
      kind: 'intelligence-report', recipients: ['ES'], handling: { code: 'H1' }, grades: { source: 'B', information: 2 }, priority: 'normal',
      expiresAt: '2026-12-20T00:00:00Z', body,
    });
    const now = new Date('2026-12-02T00:00:00Z');
    const { case: _old, ...current } = report();
    expect(validateComposeRequest(request(current), { now }).ok).toBe(true);
    const refused = validateComposeRequest(request(report()), { now });
    expect(refused.ok ? [] : refused.errors).toEqual([{ field: '/body/case', message: "is no longer part of the body: name the case in the request's case" }]);
    // An old body still opens (the receiver validates it with the wire schema).
    expect(validateBodyForEnvelope('intelligence-report', report())).toBeNull();
  });

  it('is refused at the envelope when its selectors do not normalise (the sender\'s node must not have let it through)', () => {
    expect(validateBodyForEnvelope('intelligence-report', report({ selectors: [{ kind: 'username', value: 'abc' }] }))).toBe('intelligence-report body: /selectors/0/platform needs its platform (lowercase letters, digits, "." or "-", e.g. "telegram")');
  });

  it('expects no answer: no deadline, acknowledge only, never answered or declined', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    expect(replyDeadlineOf('intelligence-report', 'urgent', now, { urgentHours: 8, normalDays: 7 })).toBeNull();
    expect(isOverdue(null, now, 'DELIVERED')).toBe(false);
    expect(replyDeadlineOf('identity-query', 'urgent', now, { urgentHours: 8, normalDays: 7 })).toEqual(new Date('2026-12-01T18:00:00Z'));
    const kind = kindBehaviour('intelligence-report');
    expect(transitionOf(kind, 'DELIVERED', 'acknowledge')).toEqual({ ok: true, state: 'ACKNOWLEDGED', changed: true });
    expect(transitionOf(kind, 'DELIVERED', 'answer')).toEqual({ ok: false, error: 'illegal_transition', message: 'cannot answer a intelligence-report: it expects no answer' });
    expect(transitionOf(kind, 'SENT', 'decline').ok).toBe(false);
    expect(allowedEventsOf(kind, 'DELIVERED')).toEqual(['acknowledge', 'expire']);
    expect(allowedEventsOf(kindBehaviour('identity-query'), 'DELIVERED')).toEqual(['acknowledge', 'answer', 'decline', 'expire']);
  });

  it('lists in the inbox by its case reference and first subject', () => {
    expect(summarizeNotice(report())).toEqual({ caseReference: 'NL-2026-0042', subject: 'Piet Jansen' });
  });

  it('queries may carry selectors too, checked the same way', () => {
    const query = { case_reference: 'ES-1', reason: 'r', legal_basis: 'l', names: { family: 'Jansen' }, selectors: [{ kind: 'phone', value: '0031 6 1234 5678' }] };
    expect(validateNoticeBody('identity-query', query)).toEqual({ ok: true });
    expect(fields(validateNoticeBody('identity-query', { ...query, selectors: [{ kind: 'phone', value: '612345678' }] }))).toEqual(['/selectors/0/value needs its country code (+…) or a country to read it in']);
  });
});

describe('structured answers', () => {
  const identity = { names: [{ given: 'Pieter', family: 'Jansen' }], date_of_birth: '1980-05-17', identity_documents: [{ type: 'passport', number: 'NX12AB345', issuing_country: 'NL' }], confidence: 'probable', record_reference: 'ES-DGP-2026-118' };

  it('a hit carries the matched identity and attachment references; the old free-text hit still validates', () => {
    expect(validateAnswerRequest({ outcome: 'hit', details: { summary: 'Known to us.', identity, attachments: [{ digest: 'c'.repeat(64), reference: 'attachment:1' }] } })).toMatchObject({ ok: true });
    expect(validateNoticeBody('response', { outcome: 'hit', details: { summary: 'Known to us.' } })).toEqual({ ok: true });
  });

  it('refuses an identity without confidence, without names or documents, or with an unknown confidence', () => {
    const errors = (details: object) => {
      const r = validateAnswerRequest({ outcome: 'hit', details: { summary: 's', ...details } });
      return r.ok ? [] : r.errors.map((e) => `${e.field} ${e.message}`);
    };
    expect(errors({ identity: { names: [{ family: 'J' }] } })).toEqual(['/details/identity/confidence is required']);
    expect(errors({ identity: { confidence: 'possible', date_of_birth: '1980' } })).toEqual(['/details/identity at least one of names, identity_documents is required']);
    expect(errors({ identity: { ...identity, confidence: 'certain' } })).toEqual(['/details/identity/confidence must be one of: confirmed, probable, possible']);
  });

  it('a decline names an Art. 6 ground from a closed list, with free text; the old decline without one still opens', () => {
    expect(REFUSAL_GROUND_CODES).toHaveLength(11);
    expect(REFUSAL_GROUNDS.investigation_or_safety.article).toBe('Art. 6(1)(f)(ii)');
    const decline = validateDeclineRequest({ ground: 'minor_offence', reason: 'Punishable by at most 6 months here.' });
    expect(decline.ok && toResponseBody(decline.value)).toEqual({ outcome: 'declined', ground: 'minor_offence', reason: 'Punishable by at most 6 months here.' });
    expect(validateDeclineRequest({ ground: 'because', reason: 'x' })).toEqual({ ok: false, errors: [{ field: '/ground', message: `must be one of: ${REFUSAL_GROUND_CODES.join(', ')}` }] });
    expect(validateBodyForEnvelope('response', { outcome: 'declined', reason: 'Outside our competence' })).toBeNull();
    expect(validateBodyForEnvelope('response', { outcome: 'declined', ground: 'not_available', reason: 'Nothing held.' })).toBeNull();
  });
});
