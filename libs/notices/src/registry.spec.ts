import {
  attachmentReferences,
  checkAttachmentReferences,
  NOTICE_KINDS,
  NoticeKindRegistry,
  RECEIPT_MAX_ENVELOPES,
  getNoticeKind,
  validateBodyForEnvelope,
  validateNoticeBody,
} from './index';

const PHOTO_DIGEST = 'a'.repeat(64);

const identityQuery = () => ({
  names: { family: 'García Pérez', given: 'José' },
  aliases: [{ family: 'Garcia' }],
  date_of_birth: '1980-02-29',
  nationality: 'ES',
  identity_documents: [{ type: 'passport', number: 'PAA123456', issuing_country: 'ES' }],
  photo: { digest: PHOTO_DIGEST, reference: 'liaison:photo/0193', media_type: 'image/jpeg' },
  case_reference: 'NL-2026/00042',
  reason: 'Suspected of armed robbery in Rotterdam on 2026-01-12.\nWitness statements attached.',
  legal_basis: 'Art. 5 Directive (EU) 2023/977',
});

function fields(result: ReturnType<typeof validateNoticeBody>): string[] {
  return result.ok ? [] : result.errors.map((e) => e.field);
}

describe('notice kind registry', () => {
  it('has the built-in kinds with their flags', () => {
    expect([...NOTICE_KINDS.keys()]).toEqual(['identity-query', 'location-query', 'response', 'receipt', 'acknowledgement', 'intelligence-report', 'attachment-receipt']);
    expect(getNoticeKind('attachment-receipt')).toMatchObject({ answerable: false, isQuery: false });
    expect(getNoticeKind('intelligence-report')).toMatchObject({ answerable: false, isQuery: true });
    expect(getNoticeKind('identity-query')).toMatchObject({ answerable: true, isQuery: true });
    expect(getNoticeKind('location-query')).toMatchObject({ answerable: true, isQuery: true });
    expect(getNoticeKind('response')).toMatchObject({ answerable: false, isQuery: false });
    expect(getNoticeKind('receipt')).toMatchObject({ answerable: false, isQuery: false });
    expect(getNoticeKind('acknowledgement')).toMatchObject({ answerable: false, isQuery: false });
  });

  it('refuses an unknown kind as an error, not an exception', () => {
    expect(validateNoticeBody('red-notice', {})).toEqual({
      ok: false,
      errors: [{ field: '', message: 'unknown notice kind "red-notice"' }],
    });
    expect(validateNoticeBody('__proto__', {}).ok).toBe(false);
    expect(validateNoticeBody('constructor', {}).ok).toBe(false);
    expect(validateBodyForEnvelope('nope', {})).toBe('nope body: (root) unknown notice kind "nope"');
  });

  it('adds a kind by registering a schema (no pipeline change), and refuses bad registrations', () => {
    const registry = new NoticeKindRegistry();
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['document_number'],
      properties: { document_number: { type: 'string', maxLength: 40 } },
    };
    registry.register('document-query', schema, { answerable: true, isQuery: true });
    expect(registry.validate('document-query', { document_number: 'X1' })).toEqual({ ok: true });
    expect(registry.validate('document-query', { document_number: 'X1', extra: 1 })).toEqual({
      ok: false,
      errors: [{ field: '/extra', message: 'is not an allowed field' }],
    });
    // the stored schema is a frozen copy: mutating the original changes nothing
    (schema.properties.document_number as { maxLength: number }).maxLength = 1;
    expect(registry.validate('document-query', { document_number: 'X123' }).ok).toBe(true);
    expect(Object.isFrozen(registry.get('document-query')!.schema)).toBe(true);

    expect(() => registry.register('document-query', schema, { answerable: true, isQuery: true })).toThrow(/already registered/);
    expect(() => registry.register('Bad Name', schema, { answerable: false, isQuery: false })).toThrow(/lowercase/);
    expect(() => registry.register('not-object', { type: 'string' }, { answerable: false, isQuery: false })).toThrow(/object/);
    expect(() =>
      registry.register('bad-schema', { type: 'object', properties: { a: { type: 'strnig' } } }, { answerable: false, isQuery: false }),
    ).toThrow();
    // the default registry is not affected by a separate one
    expect(getNoticeKind('document-query')).toBeUndefined();
  });
});

describe('identity-query', () => {
  it('accepts a complete query', () => {
    expect(validateNoticeBody('identity-query', identityQuery())).toEqual({ ok: true });
    expect(validateBodyForEnvelope('identity-query', identityQuery())).toBeNull();
  });

  it('accepts a photo-only query (name unknown), and a document-only one', () => {
    const { names, aliases, identity_documents, ...photoOnly } = identityQuery();
    expect(validateNoticeBody('identity-query', photoOnly)).toEqual({ ok: true });
    const { photo, ...docOnly } = photoOnly as Record<string, unknown>;
    expect(validateNoticeBody('identity-query', { ...docOnly, identity_documents })).toEqual({ ok: true });
    void names; void aliases; void photo;
  });

  it('requires something to search on', () => {
    const { names, aliases, identity_documents, photo, ...rest } = identityQuery();
    void names; void aliases; void identity_documents; void photo;
    expect(validateNoticeBody('identity-query', rest)).toEqual({
      ok: false,
      errors: [{ field: '', message: 'at least one of names, photo, identity_documents is required' }],
    });
  });

  it('requires case reference, reason and legal basis', () => {
    expect(fields(validateNoticeBody('identity-query', { names: { family: 'X' } }))).toEqual([
      '/case_reference',
      '/reason',
      '/legal_basis',
    ]);
  });

  it('rejects unknown fields, including __proto__ and constructor from JSON', () => {
    const body = JSON.parse('{"__proto__": {"admin": true}, "constructor": 1}');
    const result = validateNoticeBody('identity-query', { ...identityQuery(), ...body });
    expect(fields(result)).toEqual(expect.arrayContaining(['/__proto__', '/constructor']));
  });

  it.each([
    ['nationality not assigned', { nationality: 'ZZ' }, '/nationality'],
    ['nationality lowercase', { nationality: 'es' }, '/nationality'],
    ['nationality alpha-3', { nationality: 'ESP' }, '/nationality'],
    ['impossible birth date', { date_of_birth: '1981-02-29' }, '/date_of_birth'],
    ['birth date with time', { date_of_birth: '1980-01-01T00:00:00Z' }, '/date_of_birth'],
    ['photo digest not hex', { photo: { digest: 'z'.repeat(64), reference: 'r' } }, '/photo/digest'],
    ['photo digest upper case', { photo: { digest: 'A'.repeat(64), reference: 'r' } }, '/photo/digest'],
    ['photo digest too short', { photo: { digest: 'a'.repeat(63), reference: 'r' } }, '/photo/digest'],
    ['photo without reference', { photo: { digest: PHOTO_DIGEST } }, '/photo/reference'],
    ['unknown document type', { identity_documents: [{ type: 'library_card', number: '1', issuing_country: 'NL' }] }, '/identity_documents/0/type'],
    ['empty documents list', { identity_documents: [] }, '/identity_documents'],
    ['empty names', { names: {} }, '/names'],
    ['name is not a string', { names: { family: 42 } }, '/names/family'],
    ['empty reason', { reason: '' }, '/reason'],
  ])('rejects %s', (_label, patch, field) => {
    expect(fields(validateNoticeBody('identity-query', { ...identityQuery(), ...patch }))).toContain(field);
  });

  it('accepts partial birth dates and Kosovo', () => {
    expect(validateNoticeBody('identity-query', { ...identityQuery(), date_of_birth: '1980' }).ok).toBe(true);
    expect(validateNoticeBody('identity-query', { ...identityQuery(), date_of_birth: '1980-02' }).ok).toBe(true);
    expect(validateNoticeBody('identity-query', { ...identityQuery(), nationality: 'XK' }).ok).toBe(true);
  });

  describe('untrusted input', () => {
    it.each([
      ['SQL injection in a document number', { identity_documents: [{ type: 'passport', number: "1' OR '1'='1", issuing_country: 'ES' }] }, '/identity_documents/0/number'],
      ['script in a case reference', { case_reference: '<script>alert(1)</script>' }, '/case_reference'],
      ['newline in a name (log injection)', { names: { family: 'Smith\n{"level":"info","msg":"forged"}' } }, '/names/family'],
      ['NUL byte in a name', { names: { family: 'Smi\u0000th' } }, '/names/family'],
      ['bidi override in a name', { names: { family: 'evil\u202Egnp.exe' } }, '/names/family'],
      ['ANSI escape in reason', { reason: 'ok \u001b[2J cleared' }, '/reason'],
      ['path traversal in a photo reference', { photo: { digest: PHOTO_DIGEST, reference: '\u0000../../etc/passwd' } }, '/photo/reference'],
    ])('rejects %s', (_label, patch, field) => {
      expect(fields(validateNoticeBody('identity-query', { ...identityQuery(), ...patch }))).toContain(field);
    });

    it('rejects lone surrogates (not valid UTF-8) but accepts paired ones', () => {
      expect(fields(validateNoticeBody('identity-query', { ...identityQuery(), reason: 'bad \uD800 half' }))).toEqual(['/reason']);
      expect(validateNoticeBody('identity-query', { ...identityQuery(), reason: 'emoji 👮 ok', names: { family: 'Ωμέγα 李' } })).toEqual({ ok: true });
    });

    it('does not echo hostile key names or kind names verbatim', () => {
      const key = `x\n${'k'.repeat(10_000)}`;
      const result = validateNoticeBody('identity-query', { ...identityQuery(), [key]: 1, 'a/b~c': 2 });
      expect(fields(result)).toEqual([`/x?${'k'.repeat(62)}…`, '/a~1b~0c']);
      expect(validateBodyForEnvelope('evil\n"kind\u202E', {})).toBe(`evil?'kind? body: (root) unknown notice kind "evil?'kind?"`);
    });

    it('keeps markup and SQL in free text as data (escaping is the renderer\'s job)', () => {
      const body = { ...identityQuery(), reason: "<img src=x onerror=alert(1)> '; DROP TABLE notices; --" };
      expect(validateNoticeBody('identity-query', body)).toEqual({ ok: true });
    });

    it.each([
      ['a 201-character family name', { names: { family: 'x'.repeat(201) } }, '/names/family'],
      ['a 2001-character reason', { reason: 'x'.repeat(2001) }, '/reason'],
      ['a one-megabyte legal basis', { legal_basis: 'x'.repeat(1 << 20) }, '/legal_basis'],
      ['21 aliases', { aliases: Array.from({ length: 21 }, () => ({ family: 'A' })) }, '/aliases'],
      ['11 identity documents', { identity_documents: Array.from({ length: 11 }, () => ({ type: 'passport', number: '1', issuing_country: 'NL' })) }, '/identity_documents'],
      ['a 41-character document number', { identity_documents: [{ type: 'passport', number: '1'.repeat(41), issuing_country: 'NL' }] }, '/identity_documents/0/number'],
    ])('rejects %s', (_label, patch, field) => {
      const result = validateNoticeBody('identity-query', { ...identityQuery(), ...patch });
      expect(fields(result)).toContain(field);
    });

    it('reports a bounded number of errors for a hostile body', () => {
      const hostile: Record<string, unknown> = { ...identityQuery() };
      for (let i = 0; i < 10_000; i++) hostile[`f${i}`] = i;
      const result = validateNoticeBody('identity-query', hostile);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.length).toBeLessThanOrEqual(50);
    });

    it.each([null, undefined, 'text', 42, [], true])('rejects a body that is %p', (body) => {
      expect(validateNoticeBody('identity-query', body).ok).toBe(false);
    });

    it('gives the envelope opener one line', () => {
      const line = validateBodyForEnvelope('identity-query', { names: { family: 'X' } });
      expect(line).toBe('identity-query body: /case_reference is required (+2 more)');
    });

    it('does not echo hostile patterns in messages', () => {
      const result = validateNoticeBody('identity-query', { ...identityQuery(), names: { family: 'a\u0000' } });
      expect(result).toEqual({ ok: false, errors: [{ field: '/names/family', message: 'contains characters or a layout that is not allowed' }] });
    });
  });
});

describe('location-query', () => {
  const locationQuery = () => {
    const { photo, ...q } = identityQuery();
    void photo;
    return { ...q, last_known_location: { country: 'CO', area: 'Medellín, Comuna 13', seen_at: '2026-01-10T18:30:00-05:00', coordinates: { lat: 6.25, lon: -75.6 } } };
  };

  it('accepts a query with a last known location', () => {
    expect(validateNoticeBody('location-query', locationQuery())).toEqual({ ok: true });
  });

  it('requires a non-empty last known location with valid parts', () => {
    const { last_known_location, ...q } = locationQuery();
    void last_known_location;
    expect(fields(validateNoticeBody('location-query', q))).toEqual(['/last_known_location']);
    expect(fields(validateNoticeBody('location-query', { ...q, last_known_location: {} }))).toEqual(['/last_known_location']);
    expect(fields(validateNoticeBody('location-query', { ...q, last_known_location: { coordinates: { lat: 91, lon: 0 } } }))).toEqual([
      '/last_known_location/coordinates/lat',
    ]);
    expect(fields(validateNoticeBody('location-query', { ...q, last_known_location: { seen_at: '2026-01-10 18:30' } }))).toEqual([
      '/last_known_location/seen_at',
    ]);
  });
});

describe('response', () => {
  it('accepts hit with details, no-hit and declined', () => {
    expect(
      validateNoticeBody('response', {
        outcome: 'hit',
        details: {
          summary: 'Known to us under another name.',
          subject: { names: { family: 'Garcia' }, nationality: 'CO' },
          location: { country: 'CO', area: 'Bogotá' },
          records: [{ label: 'Registered address', value: 'Calle 1 # 2-3' }],
        },
      }),
    ).toEqual({ ok: true });
    expect(validateNoticeBody('response', { outcome: 'no-hit' })).toEqual({ ok: true });
    expect(validateNoticeBody('response', { outcome: 'declined', reason: 'No legal basis for this request.' })).toEqual({ ok: true });
  });

  it('refuses a wrong outcome, a hit without details, a decline without reason, details on no-hit', () => {
    expect(validateNoticeBody('response', { outcome: 'maybe' })).toEqual({
      ok: false,
      errors: [{ field: '/outcome', message: 'must be one of: hit, no-hit, declined' }],
    });
    expect(fields(validateNoticeBody('response', { outcome: 'hit' }))).toEqual(['/details']);
    expect(fields(validateNoticeBody('response', { outcome: 'declined' }))).toEqual(['/reason']);
    expect(fields(validateNoticeBody('response', { outcome: 'no-hit', details: { summary: 'x' } }))).toEqual(['/details']);
    expect(fields(validateNoticeBody('response', {}))).toEqual(['/outcome']);
  });

  it('bounds hit details', () => {
    const records = Array.from({ length: 51 }, () => ({ label: 'a', value: 'b' }));
    expect(fields(validateNoticeBody('response', { outcome: 'hit', details: { summary: 'x', records } }))).toEqual(['/details/records']);
    expect(fields(validateNoticeBody('response', { outcome: 'hit', details: { summary: 'x'.repeat(4001) } }))).toEqual(['/details/summary']);
    expect(fields(validateNoticeBody('response', { outcome: 'hit', details: { summary: 'x', subject: { names: { family: 'A' }, password: 1 } } }))).toEqual([
      '/details/subject/password',
    ]);
  });
});

describe('receipt and acknowledgement', () => {
  it('accepts well-formed ones', () => {
    expect(validateNoticeBody('receipt', { received_at: '2026-01-12T10:00:00.123Z' })).toEqual({ ok: true });
    const batch = Array(RECEIPT_MAX_ENVELOPES).fill({ id: '019cade2-11c0-7886-a631-a1e2f0ac83cc', digest: 'a'.repeat(64) });
    expect(validateNoticeBody('receipt', { received_at: '2026-01-12T10:00:00Z', received: batch })).toEqual({ ok: true });
    expect(validateNoticeBody('acknowledgement', { acknowledged_by: { role: 'liaison_officer', ref: 'sub-81f2' }, at: '2026-01-12T10:05:00Z' })).toEqual({ ok: true });
  });

  it('refuses malformed ones', () => {
    expect(fields(validateNoticeBody('receipt', { received_at: 'yesterday' }))).toEqual(['/received_at']);
    expect(fields(validateNoticeBody('receipt', { received_at: '2026-01-12T10:00:00' }))).toEqual(['/received_at']); // no time zone
    expect(fields(validateNoticeBody('receipt', {}))).toEqual(['/received_at']);
    const at = '2026-01-12T10:00:00Z';
    const entry = { id: '019cade2-11c0-7886-a631-a1e2f0ac83cc', digest: 'a'.repeat(64) };
    expect(fields(validateNoticeBody('receipt', { received_at: at, received: [] }))).toEqual(['/received']);
    expect(fields(validateNoticeBody('receipt', { received_at: at, received: Array(RECEIPT_MAX_ENVELOPES + 1).fill(entry) }))).toEqual(['/received']);
    expect(fields(validateNoticeBody('receipt', { received_at: at, received: [{ ...entry, digest: 'A'.repeat(64) }] }))).toEqual(['/received/0/digest']);
    expect(fields(validateNoticeBody('receipt', { received_at: at, received: [{ id: 'NOT-A-UUID', digest: entry.digest }] }))).toEqual(['/received/0/id']);
    expect(fields(validateNoticeBody('acknowledgement', { acknowledged_by: { role: 'Liaison Officer', ref: 'x' }, at: '2026-01-12T10:05:00Z' }))).toEqual([
      '/acknowledged_by/role',
    ]);
    expect(fields(validateNoticeBody('acknowledgement', { acknowledged_by: { role: 'liaison_officer' }, at: '2026-01-12T10:05:00Z', extra: 1 })).sort()).toEqual([
      '/acknowledged_by/ref',
      '/extra',
    ]);
  });
});

describe('photo as an attachment reference', () => {
  const ATT = '019cade2-11c0-7515-bb61-239283cb5570';
  it('accepts {attachment: id}, and still reads the older {digest, reference} form', () => {
    expect(validateNoticeBody('identity-query', { ...identityQuery(), photo: { attachment: ATT } })).toEqual({ ok: true });
    expect(validateNoticeBody('identity-query', identityQuery())).toEqual({ ok: true });
    const { names, aliases, identity_documents, ...photoOnly } = { ...identityQuery(), photo: { attachment: ATT } };
    void names; void aliases; void identity_documents;
    expect(validateNoticeBody('identity-query', photoOnly)).toEqual({ ok: true });
  });

  it.each([
    ['an attachment id that is not a UUIDv7', { attachment: ATT.toUpperCase() }, '/photo/attachment'],
    ['both forms at once', { attachment: ATT, digest: PHOTO_DIGEST, reference: 'r' }, '/photo'],
    ['neither form (the older form then lacks its members)', {}, '/photo/reference'],
  ])('refuses %s', (_label, photo, field) => {
    expect(fields(validateNoticeBody('identity-query', { ...identityQuery(), photo }))).toContain(field);
  });

  it('a reference must name an image the notice carries, in a query or in a hit', () => {
    const body = { ...identityQuery(), photo: { attachment: ATT } };
    expect(attachmentReferences(body)).toEqual([ATT]);
    expect(attachmentReferences({ outcome: 'hit', details: { summary: 's', subject: { photo: { attachment: ATT } } } })).toEqual([ATT]);
    expect(attachmentReferences(identityQuery())).toEqual([]);
    expect(checkAttachmentReferences(body, [{ id: ATT, type: 'image/heic' }])).toBeNull();
    expect(checkAttachmentReferences(body, [{ id: ATT, type: 'application/pdf' }])).toMatch(/not an image/);
    expect(checkAttachmentReferences(body, undefined)).toMatch(/does not carry/);
  });

  it('the envelope opener refuses a body whose photo is not among the signed attachments', () => {
    const body = { ...identityQuery(), photo: { attachment: ATT } };
    expect(validateBodyForEnvelope('identity-query', body, [{ id: ATT, type: 'image/jpeg' }])).toBeNull();
    expect(validateBodyForEnvelope('identity-query', body, [])).toBe(`identity-query body: photo refers to attachment ${ATT}, which the notice does not carry`);
  });
});
