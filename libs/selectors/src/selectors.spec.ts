import fc from 'fast-check';
import {
  MAX_SELECTORS,
  SelectorKindRegistry,
  defaultSelectorKinds,
  normaliseSelector,
  normaliseSelectorList,
  registerSelectorKind,
  subjectTerms,
} from './index';

const value = (r: ReturnType<typeof normaliseSelector>) => (r.ok ? r.value : `refused: ${r.message}`);

describe('phone numbers → E.164 (libphonenumber-js)', () => {
  it.each([
    ['+31 6 12345678', {}, '+31612345678'],
    ['0031 (0)6-1234 5678', {}, '+31612345678'],
    ['06 12 34 56 78', { country: 'NL' }, '+31612345678'],
    ['+34 612 34 56 78', {}, '+34612345678'],
    ['612.345.678', { country: 'ES' }, '+34612345678'],
    ['+57 301 234 5678', {}, '+573012345678'],
  ])('%s (%j) → %s', (raw, context, expected) => {
    expect(value(normaliseSelector('phone', raw, context))).toBe(expected);
  });

  it.each([
    ['0612345678', {}, 'needs its country code'],
    ['+31 6 1234', {}, 'not a valid phone number'],
    ['+999 1234 5678', {}, 'not a'],
    ['+31 6 1234 5678 ext. 9', {}, 'may contain only digits'],
    ['+31\u00006 12345678', {}, 'control'],
    ['+31 6 ' + '1'.repeat(80), {}, 'at most 64'],
    ['', {}, 'must not be empty'],
    ['+31 abc', {}, 'may contain only digits'],
  ])('refuses %j (%j)', (raw, context, message) => {
    const r = normaliseSelector('phone', raw, context);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
  });
});

describe('URLs by the WHATWG rules', () => {
  it.each([
    ['HTTPS://Example.COM:443/a/./b/../c?q=1#frag', 'https://example.com/a/c?q=1'],
    ['http://bücher.example/Path', 'http://xn--bcher-kva.example/Path'],
    ['https://t.me/SomeChannel', 'https://t.me/SomeChannel'],
    ['https://example.com', 'https://example.com/'],
  ])('%s → %s', (raw, expected) => {
    expect(value(normaliseSelector('url', raw))).toBe(expected);
  });

  it.each([
    ['https://user:secret@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
    ['https://exa\tmple.com/', 'control'],
    ['https://example.com/\u0007', 'control'],
    ['https://example.com/a b', 'spaces'],
    ['https://example.com/\u202Egpj.exe', 'bidirectional'],
    ['javascript:alert(1)', 'http or https'],
    ['ftp://example.com/', 'http or https'],
    ['/relative/path', 'absolute URL'],
    [`https://example.com/${'a'.repeat(2100)}`, 'at most 2048'],
  ])('refuses %j', (raw, message) => {
    const r = normaliseSelector('url', raw);
    expect(r.ok ? '' : r.message).toContain(message);
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['Some.One@Example.COM', 'Some.One@example.com'],
    ['ana@correo.españa.es', 'ana@correo.xn--espaa-rta.es'],
    ['  a+tag@example.org ', 'a+tag@example.org'],
  ])('%s → %s', (raw, expected) => {
    expect(value(normaliseSelector('email', raw))).toBe(expected);
  });

  it.each(['no-at-sign', '@example.com', 'a@', 'a@localhost', 'a b@example.com', '"quoted"@example.com', 'a@exa_mple.com', 'a@-x.com', `${'a'.repeat(65)}@example.com`])(
    'refuses %j',
    (raw) => expect(normaliseSelector('email', raw).ok).toBe(false),
  );
});

describe('usernames per platform', () => {
  it.each([
    ['@Some_User', 'Telegram', 'telegram:some_user'],
    ['Jack', 'twitter', 'x:jack'],
    ['John.Smith.77', 'facebook', 'facebook:johnsmith77'],
    ['CaseKept', 'mastodon.social', 'mastodon.social:CaseKept'],
  ])('%s on %s → %s', (raw, platform, expected) => {
    expect(value(normaliseSelector('username', raw, { platform }))).toBe(expected);
  });

  it('refuses a username without platform, with spaces, or impossible on its platform', () => {
    expect(value(normaliseSelector('username', 'someone', {}))).toContain('needs its platform');
    expect(value(normaliseSelector('username', 'some one', { platform: 'other' }))).toContain('without spaces');
    expect(value(normaliseSelector('username', 'abc', { platform: 'telegram' }))).toContain('not a possible telegram username');
    expect(value(normaliseSelector('username', 'x', { platform: 'Bad Platform!' }))).toContain('needs its platform');
  });
});

describe('identifiers', () => {
  it('documents: issuing country + number, uppercase, separators removed', () => {
    expect(value(normaliseSelector('document', 'nx-12.ab 345', { country: 'nl' }))).toBe('NL:NX12AB345');
    expect(value(normaliseSelector('document', 'NX12AB345', {}))).toContain('issuing country');
    expect(value(normaliseSelector('document', 'NX_12', { country: 'NL' }))).toContain('may contain only');
  });

  it('names are folded: accents, case, apostrophes and punctuation', () => {
    expect(value(normaliseSelector('name', "José-María  O'Neill"))).toBe('jose maria oneill');
    expect(value(normaliseSelector('name', 'Straße'))).toBe('strasse');
    expect(value(normaliseSelector('name', 'Иванов'))).toBe('иванов');
    expect(value(normaliseSelector('name', '---'))).toContain('no letters');
  });

  it('a subject gives search terms and correlating terms', () => {
    const terms = subjectTerms({ names: { given: 'José', family: 'García' }, date_of_birth: '1990-02-03', identity_documents: [{ number: 'X 123.456', issuing_country: 'ES' }] });
    expect(terms).toEqual([
      { kind: 'name', value: 'jose garcia', correlates: false },
      { kind: 'name', value: 'garcia', correlates: false },
      { kind: 'person', value: 'jose garcia|1990-02-03', correlates: true },
      { kind: 'date_of_birth', value: '1990-02-03', correlates: false },
      { kind: 'document', value: 'ES:X123456', correlates: true },
    ]);
  });
});

describe('lists of selectors', () => {
  it('normalises a list and names each refused item by its place', () => {
    const r = normaliseSelectorList(
      [{ kind: 'phone', value: '+31612345678' }, { kind: 'fax', value: '1' }, { kind: 'url', value: 'https://u:p@x.example/' }, { kind: 'phone', value: '0031 6 12345678' }, { kind: 'username', value: 'a' }],
      '/body/selectors',
    );
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(['/body/selectors/1/kind', '/body/selectors/2/value', '/body/selectors/3/value', '/body/selectors/4/platform']);
    expect(r.ok ? '' : r.errors[2].message).toBe('is the same phone as /body/selectors/0 once normalised');
  });

  it(`refuses 10,000 selectors as a whole, before reading any (limit ${MAX_SELECTORS})`, () => {
    const list = Array.from({ length: 10_000 }, (_, i) => ({ kind: 'phone', value: `+3161234${String(i).padStart(4, '0')}` }));
    expect(normaliseSelectorList(list, '/body/selectors')).toEqual({ ok: false, errors: [{ field: '/body/selectors', message: 'must have at most 1000 selectors (has 10000)' }] });
  });

  it('reports at most 50 problems for a hostile list', () => {
    const r = normaliseSelectorList(Array.from({ length: 1000 }, () => ({ kind: 'phone', value: 'nope' })));
    expect(r.ok ? 0 : r.errors.length).toBe(50);
  });
});

describe('the registry', () => {
  it('takes a new kind without touching the pipeline', () => {
    const registry = new SelectorKindRegistry();
    registry.register({ kind: 'iban', description: 'IBAN', listable: true, context: [], normalise: (v) => ({ ok: true, value: String(v).replace(/\s/g, '').toUpperCase() }) });
    expect(normaliseSelectorList([{ kind: 'iban', value: 'nl91 abna 0417 1643 00' }], '/s', { registry })).toEqual({ ok: true, selectors: [{ kind: 'iban', value: 'NL91ABNA0417164300', index: 0 }] });
    expect(() => registerSelectorKind({ kind: 'phone', description: '', listable: true, context: [], normalise: () => ({ ok: false, message: '' }) })).toThrow('already registered');
    expect(defaultSelectorKinds.listable()).toEqual(['phone', 'email', 'url', 'username']);
  });
});

describe('properties', () => {
  const kinds: Array<[string, object]> = [['phone', { country: 'NL' }], ['email', {}], ['url', {}], ['username', { platform: 'telegram' }], ['username', { platform: 'other' }], ['name', {}]];

  it('normalising is idempotent, and never throws on any string', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string({ unit: 'binary', maxLength: 300 }), ([kind, context], raw) => {
        const once = normaliseSelector(kind, raw, context);
        if (!once.ok) return;
        const input = kind === 'username' ? once.value.slice(once.value.indexOf(':') + 1) : once.value;
        const twice = normaliseSelector(kind, input, context);
        expect(twice).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('no accepted value contains a control character', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string({ unit: 'binary', maxLength: 100 }), ([kind, context], raw) => {
        const r = normaliseSelector(kind, `https://a.example/${raw}`, context);
        if (r.ok) expect(r.value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('a Dutch mobile number in any common notation is the same E.164 number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom(' ', '-', '.', ''), (block, n, sep) => {
        const digits = `${block}${String(n).padStart(7, '0')}`; // 061…065: mobile blocks in use
        const forms = [`+316${digits}`, `00316${sep}${digits}`, `06${sep}${digits.slice(0, 4)}${sep}${digits.slice(4)}`];
        const values = forms.map((f) => normaliseSelector('phone', f, { country: 'NL' }));
        expect(values.every((v) => v.ok && v.value === `+316${digits}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('case references', () => {
  it('are compared without case and spacing', () => {
    expect(value(normaliseSelector('case_reference', '  nl-2026  0042 '))).toBe('NL-2026 0042');
  });
});
