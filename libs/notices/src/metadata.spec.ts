import {
  NoticeKindRegistry,
  toResponseBody,
  validateAnswerRequest,
  validateComposeRequest,
  validateDeclineRequest,
  validateGrades,
  validateHandling,
  type FieldError,
} from './index';

const NOW = new Date('2026-03-01T12:00:00Z');

const compose = (patch: Record<string, unknown> = {}) => ({
  kind: 'identity-query',
  recipients: ['ES', 'CO'],
  handling: { code: 'H2' },
  grades: { source: 'B', information: 2 },
  priority: 'urgent',
  expiresAt: '2026-04-01T00:00:00Z',
  body: {
    names: { family: 'Doe' },
    case_reference: 'NL-1',
    reason: 'Robbery',
    legal_basis: 'Art. 5 Directive (EU) 2023/977',
  },
  ...patch,
});

function errorsOf(result: { ok: true } | { ok: false; errors: FieldError[] }): FieldError[] {
  return result.ok ? [] : result.errors;
}

describe('handling', () => {
  it.each(['H0', 'H1', 'H2'])('accepts %s without restriction', (code) => {
    expect(validateHandling({ code })).toEqual({ ok: true, value: { code } });
  });
  it('requires a restriction with H3 and forbids it otherwise', () => {
    expect(validateHandling({ code: 'H3', restriction: 'Only for case NL-1' }).ok).toBe(true);
    expect(errorsOf(validateHandling({ code: 'H3' }))).toEqual([{ field: '/restriction', message: 'is required with H3: state the restriction' }]);
    expect(errorsOf(validateHandling({ code: 'H3', restriction: '   ' }))).toEqual([{ field: '/restriction', message: 'is required with H3: state the restriction' }]);
    expect(errorsOf(validateHandling({ code: 'H3', restriction: '' }))[0].field).toBe('/restriction');
    expect(errorsOf(validateHandling({ code: 'H1', restriction: 'x' }))).toEqual([{ field: '/restriction', message: 'is only allowed with H3, not with H1' }]);
  });
  it('refuses unknown codes and fields', () => {
    expect(errorsOf(validateHandling({ code: 'H4' }))).toEqual([{ field: '/code', message: 'must be one of: H0, H1, H2, H3' }]);
    expect(errorsOf(validateHandling({ code: 'h0' }))[0].field).toBe('/code');
    expect(errorsOf(validateHandling({ code: 'H0', note: 1 }))).toEqual([{ field: '/note', message: 'is not an allowed field' }]);
    expect(errorsOf(validateHandling('H0'))[0].field).toBe('');
  });
});

describe('grades', () => {
  it('accepts A/B/C/X with 1..4', () => {
    for (const source of ['A', 'B', 'C', 'X']) for (const information of [1, 2, 3, 4]) expect(validateGrades({ source, information }).ok).toBe(true);
  });
  it.each([
    [{ source: 'D', information: 1 }, '/source'],
    [{ source: 'A', information: 5 }, '/information'],
    [{ source: 'A', information: 0 }, '/information'],
    [{ source: 'A', information: '1' }, '/information'],
    [{ source: 'A', information: 1.5 }, '/information'],
    [{ source: 'A' }, '/information'],
  ])('refuses %p', (input, field) => {
    expect(errorsOf(validateGrades(input)).map((e) => e.field)).toEqual([field]);
  });
});

describe('validateComposeRequest', () => {
  it('accepts a good request and returns it typed', () => {
    const result = validateComposeRequest(compose(), { now: NOW, sender: 'NL' });
    expect(result).toEqual({ ok: true, value: compose() });
  });

  it('names every missing field', () => {
    expect(errorsOf(validateComposeRequest({}, { now: NOW })).map((e) => e.field)).toEqual([
      '/kind', '/recipients', '/handling', '/grades', '/priority', '/expiresAt', '/body',
    ]);
  });

  it.each([null, 'x', [], 7])('refuses %p as a whole', (input) => {
    expect(errorsOf(validateComposeRequest(input, { now: NOW }))[0]).toMatchObject({ field: '' });
  });

  it.each([
    ['an unknown kind', { kind: 'red-notice' }, '/kind', 'is not a known notice kind (identity-query, location-query, intelligence-report)'],
    ['a protocol kind', { kind: 'receipt' }, '/kind', '"receipt" cannot be composed; it is sent by the node itself'],
    ['no recipients', { recipients: [] }, '/recipients', 'must NOT have fewer than 1 items'],
    ['21 recipients', { recipients: Array.from({ length: 21 }, (_, i) => `A${String.fromCharCode(65 + i)}`) }, '/recipients', 'must NOT have more than 20 items'],
    ['a lowercase agency', { recipients: ['es'] }, '/recipients/0', 'contains characters or a layout that is not allowed'],
    ['an agency with injection', { recipients: ['ES;DROP'] }, '/recipients/0', 'contains characters or a layout that is not allowed'],
    ['a duplicate recipient', { recipients: ['ES', 'CO', 'ES'] }, '/recipients/2', 'lists ES a second time'],
    ['the sender as recipient', { recipients: ['ES', 'NL'] }, '/recipients/1', 'is the sending agency itself'],
    ['H3 without restriction', { handling: { code: 'H3' } }, '/handling/restriction', 'is required with H3: state the restriction'],
    ['H0 with restriction', { handling: { code: 'H0', restriction: 'x' } }, '/handling/restriction', 'is only allowed with H3, not with H0'],
    ['a bad priority', { priority: 'high' }, '/priority', 'must be one of: urgent, normal'],
    ['an expiry in the past', { expiresAt: '2026-02-01T00:00:00Z' }, '/expiresAt', 'must be in the future'],
    ['an expiry now', { expiresAt: NOW.toISOString() }, '/expiresAt', 'must be in the future'],
    ['an expiry two years ahead', { expiresAt: '2028-03-01T00:00:00Z' }, '/expiresAt', 'must be at most 366 days ahead'],
    ['an expiry without time zone', { expiresAt: '2026-04-01T00:00:00' }, '/expiresAt', expect.stringContaining('RFC 3339')],
    ['an unknown top-level field', { sender: 'NL' }, '/sender', 'is not an allowed field'],
    ['a body that is an array', { body: [] }, '/body', 'must be object'],
  ])('refuses %s', (_label, patch, field, message) => {
    const errors = errorsOf(validateComposeRequest(compose(patch), { now: NOW, sender: 'NL' }));
    expect(errors).toContainEqual({ field, message });
  });

  it('validates the body against the kind and prefixes its fields with /body', () => {
    const errors = errorsOf(validateComposeRequest(compose({ body: { names: { family: 'x'.repeat(300) }, reason: 'r' } }), { now: NOW }));
    expect(errors.map((e) => e.field)).toEqual(['/body/case_reference', '/body/legal_basis', '/body/names/family']);
  });

  it('uses the given registry, so a new query kind needs no change here', () => {
    const registry = new NoticeKindRegistry();
    registry.register('document-query', { type: 'object', additionalProperties: false, required: ['number'], properties: { number: { type: 'string', maxLength: 9 } } }, { answerable: true, isQuery: true });
    expect(validateComposeRequest(compose({ kind: 'document-query', body: { number: 'X' } }), { now: NOW, registry }).ok).toBe(true);
    expect(errorsOf(validateComposeRequest(compose({ kind: 'document-query', body: { number: 'X'.repeat(10) } }), { now: NOW, registry }))).toEqual([
      { field: '/body/number', message: 'must NOT have more than 9 characters' },
    ]);
  });
});

describe('answer and decline requests', () => {
  it('accepts hit with details and no-hit, with optional handling and grades', () => {
    expect(validateAnswerRequest({ outcome: 'no-hit' }).ok).toBe(true);
    const hit = { outcome: 'hit', details: { summary: 'Known.' }, handling: { code: 'H3', restriction: 'Case NL-1 only' }, grades: { source: 'A', information: 1 } };
    expect(validateAnswerRequest(hit)).toEqual({ ok: true, value: hit });
    expect(toResponseBody(hit as never)).toEqual({ outcome: 'hit', details: { summary: 'Known.' } });
    expect(toResponseBody({ outcome: 'no-hit' })).toEqual({ outcome: 'no-hit' });
  });

  it('refuses declined as an answer, hit without details, bad handling, unknown fields', () => {
    expect(errorsOf(validateAnswerRequest({ outcome: 'declined', reason: 'x' }))).toEqual([
      { field: '/outcome', message: 'must be hit or no-hit; decline with a reason instead' },
    ]);
    expect(errorsOf(validateAnswerRequest({ outcome: 'hit' }))).toEqual([{ field: '/details', message: 'is required' }]);
    expect(errorsOf(validateAnswerRequest({ outcome: 'no-hit', handling: { code: 'H3' } }))).toEqual([
      { field: '/handling/restriction', message: 'is required with H3: state the restriction' },
    ]);
    expect(errorsOf(validateAnswerRequest({ outcome: 'no-hit', grades: { source: 'Q', information: 1 } }))).toEqual([
      { field: '/grades/source', message: 'must be one of: A, B, C, X' },
    ]);
    expect(errorsOf(validateAnswerRequest({ outcome: 'no-hit', extra: true }))).toEqual([{ field: '/extra', message: 'is not an allowed field' }]);
    expect(errorsOf(validateAnswerRequest({}))).toEqual([{ field: '/outcome', message: 'is required' }]);
  });

  it('requires a non-blank, bounded decline reason', () => {
    expect(validateDeclineRequest({ reason: 'No legal basis stated.' })).toEqual({ ok: true, value: { reason: 'No legal basis stated.' } });
    expect(toResponseBody({ reason: 'No' })).toEqual({ outcome: 'declined', reason: 'No' });
    expect(errorsOf(validateDeclineRequest({}))).toEqual([{ field: '/reason', message: 'is required' }]);
    expect(errorsOf(validateDeclineRequest({ reason: ' \n ' }))).toEqual([{ field: '/reason', message: 'must not be blank' }]);
    expect(errorsOf(validateDeclineRequest({ reason: 'x'.repeat(2001) }))[0].field).toBe('/reason');
    expect(errorsOf(validateDeclineRequest({ reason: 'x', outcome: 'hit' }))).toEqual([{ field: '/outcome', message: 'is not an allowed field' }]);
  });
});
