import fc from 'fast-check';
import { createHash } from 'crypto';
import { canonicalJson } from './jcs';
import { LEDGER_EVENTS, LedgerEntry, encodeEntry, entryLeafHash, validateEntry } from './entry';
import { leafHash } from './merkle';

const sample: LedgerEntry = {
  seq: 0,
  time: '2026-11-24T07:40:22.123Z',
  event: 'sent',
  messageId: '018f3a4e-7d1c-7b2a-9c1e-3f5d6a7b8c9d',
  kind: 'identity-query',
  counterpart: 'NL-KLPD',
  channel: { sender: 'EE-PPA', recipient: 'NL-KLPD', seq: 41 },
  digest: 'a'.repeat(64),
  re: null,
  actor: 'operator:mari',
  reason: null,
};

describe('JCS (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and emits no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, false, null], '\u20ac': 'x', '\ud83d\ude00': 'y', A: { z: 0, y: -0 } })).toBe(
      '{"A":{"y":0,"z":0},"a":[true,false,null],"b":1,"\u20ac":"x","\ud83d\ude00":"y"}',
    );
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 by code units, though after it by code point.
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2 })).toBe('{"\ud83d\ude00":2,"\ufb33":1}');
  });
  it('escapes strings as RFC 8785 prescribes', () => {
    expect(canonicalJson('\u0000\u0008\t\n\u000c\r"\\/\u001f\u007f\u00e9')).toBe('"\\u0000\\b\\t\\n\\f\\r\\"\\\\/\\u001f\u007f\u00e9"');
  });
  it('refuses what it cannot represent exactly', () => {
    for (const bad of [1.5, NaN, Infinity, 2 ** 53, undefined, 1n, '\ud800', { a: undefined }, new Date(0), () => 1]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
  });
  it('agrees with JSON.parse round trips (property)', () => {
    const json = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        fc.string({ unit: 'grapheme' }),
        fc.array(tie('v')),
        fc.dictionary(fc.string({ unit: 'grapheme' }), tie('v')),
      ),
    })).v;
    fc.assert(
      fc.property(json, (v) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text); // idempotent
      }),
    );
  });
});

describe('ledger entries', () => {
  it('lists the nineteen events, redeliveries, opened cases, attachments and private match included', () => {
    expect(LEDGER_EVENTS).toHaveLength(19);
    expect(LEDGER_EVENTS.filter((e) => e.startsWith('attachment-'))).toEqual(['attachment-sent', 'attachment-received', 'attachment-refused', 'attachment-delivered', 'attachment-deleted']);
    expect(LEDGER_EVENTS).toEqual(expect.arrayContaining(['match-evaluated', 'match-checked']));
    expect(LEDGER_EVENTS).toContain('case-opened');
    expect(LEDGER_EVENTS).toContain('directory-updated');
    expect(LEDGER_EVENTS).toContain('redelivered');
  });
  it('encodes an entry byte for byte', () => {
    const text = Buffer.from(encodeEntry(sample)).toString('utf8');
    expect(text).toBe(
      '{"actor":"operator:mari","channel":{"recipient":"NL-KLPD","sender":"EE-PPA","seq":41},"counterpart":"NL-KLPD",' +
        `"digest":"${'a'.repeat(64)}","event":"sent","kind":"identity-query","messageId":"018f3a4e-7d1c-7b2a-9c1e-3f5d6a7b8c9d",` +
        '"re":null,"reason":null,"seq":0,"time":"2026-11-24T07:40:22.123Z"}',
    );
    const expected = createHash('sha256').update(Buffer.from([0])).update(text).digest();
    expect(Buffer.from(entryLeafHash(sample))).toEqual(expected);
    expect(entryLeafHash(sample)).toEqual(leafHash(encodeEntry(sample)));
  });
  it('the fast encoder agrees with the general JCS serialiser (property)', () => {
    const str = fc.option(fc.string({ unit: 'binary' }), { nil: null });
    fc.assert(
      fc.property(fc.nat(), str, str, str, fc.option(fc.record({ sender: fc.string(), recipient: fc.string({ unit: 'grapheme' }), seq: fc.nat() }), { nil: null }), (seq, a, b, c, channel) => {
        const e: LedgerEntry = { ...sample, seq, actor: a, reason: b, kind: c, channel };
        const { channel: ch, ...rest } = e;
        expect(Buffer.from(encodeEntry(e)).toString('utf8')).toBe(canonicalJson({ ...rest, channel: ch }));
      }),
    );
  });
  it('ignores properties that are not entry fields when encoding', () => {
    const withExtra = { ...sample, extra: 1 } as LedgerEntry;
    expect(encodeEntry(withExtra)).toEqual(encodeEntry(sample));
  });
  it('refuses a non-integer seq when encoding', () => {
    expect(() => encodeEntry({ ...sample, seq: 1.5 })).toThrow(TypeError);
  });

  it('validates a good entry and a minimal one', () => {
    expect(validateEntry(sample)).toEqual({ ok: true, entry: sample });
    const minimal = { seq: 3, time: '2026-01-01T00:00:00.000Z', event: 'key-changed', messageId: null, kind: null, counterpart: null, channel: null, digest: null, re: null, actor: null, reason: null };
    expect(validateEntry(minimal).ok).toBe(true);
  });
  it.each<[string, unknown]>([
    ['not an object', 'x'],
    ['array', []],
    ['null', null],
    ['extra member', { ...sample, note: 'x' }],
    ['missing member', (({ reason: _r, ...rest }) => rest)(sample)],
    ['negative seq', { ...sample, seq: -1 }],
    ['fractional seq', { ...sample, seq: 0.5 }],
    ['string seq', { ...sample, seq: '0' }],
    ['time without ms', { ...sample, time: '2026-11-24T07:40:22Z' }],
    ['time with offset', { ...sample, time: '2026-11-24T07:40:22.123+01:00' }],
    ['impossible date', { ...sample, time: '2026-02-30T00:00:00.000Z' }],
    ['unknown event', { ...sample, event: 'deleted' }],
    ['numeric messageId', { ...sample, messageId: 5 }],
    ['lone surrogate', { ...sample, reason: '\udc00' }],
    ['channel not object', { ...sample, channel: 'x' }],
    ['channel extra', { ...sample, channel: { ...sample.channel, x: 1 } }],
    ['channel bad seq', { ...sample, channel: { ...sample.channel, seq: -2 } }],
    ['channel lone surrogate', { ...sample, channel: { sender: 'a\ud800', recipient: '\udc00b', seq: 1 } }],
    ['uppercase digest', { ...sample, digest: 'A'.repeat(64) }],
    ['short digest', { ...sample, digest: 'a'.repeat(63) }],
  ])('refuses %s', (_label, input) => {
    const r = validateEntry(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });
  it('every validated entry can be encoded (property)', () => {
    const str = fc.option(fc.string(), { nil: null });
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...LEDGER_EVENTS), str, str, fc.option(fc.record({ sender: fc.string(), recipient: fc.string(), seq: fc.nat() }), { nil: null }), (seq, event, a, b, channel) => {
        const e = { ...sample, seq, event, actor: a, reason: b, channel };
        const r = validateEntry(e);
        if (r.ok) expect(encodeEntry(r.entry).length).toBeGreaterThan(0);
        else expect(r.error).toMatch(/surrogate/);
      }),
    );
  });
});
