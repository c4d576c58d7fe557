import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { FILTER_HEADER_BYTES, FilterError, FuseFilter, filterKeys, fingerprintBits } from './fuse-filter';

const outputs = (n: number): Uint8Array[] => Array.from({ length: n }, () => new Uint8Array(randomBytes(64)));

describe('binary fuse filter', () => {
  it('a value in the set always hits (property: sets of 0 to 5,000 outputs, every width)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 8, max: 32 }), fc.integer(), (n, bits, salt) => {
        const members = Array.from({ length: n }, (_, i) => new Uint8Array(createHash('sha512').update(`${salt}/${i}`).digest()));
        const filter = FuseFilter.build(filterKeys(members), { falsePositiveRate: 2 ** -bits });
        return filter.bits === bits && members.every((m) => filter.has(m));
      }),
      { numRuns: 30 },
    );
  });

  it('non-members hit at no more than the configured rate over 100,000 trials', () => {
    const members = outputs(20_000);
    // At 2^-8 the expected count is 390 of 100,000: the bound is the rate with a 5-sigma margin.
    for (const rate of [2 ** -8, 1e-6]) {
      const filter = FuseFilter.build(filterKeys(members), { falsePositiveRate: rate });
      let hits = 0;
      for (let i = 0; i < 100_000; i++) if (filter.has(randomBytes(64))) hits++;
      const expected = 100_000 * filter.falsePositiveRate;
      expect(filter.falsePositiveRate).toBeLessThanOrEqual(rate);
      expect(hits).toBeLessThanOrEqual(Math.ceil(expected + 5 * Math.sqrt(expected) + 1));
    }
  });

  it('default rate is 2^-20 (< 1e-6), at most 1.2 × 20 bits an entry for 100,000 entries (1.13 × at 10 million: bench)', () => {
    expect(fingerprintBits(1e-6)).toBe(20);
    expect(fingerprintBits(2 ** -24)).toBe(24);
    expect(fingerprintBits(0.5)).toBe(8);
    expect(() => fingerprintBits(0)).toThrow(FilterError);
    expect(() => fingerprintBits(1e-12)).toThrow(/not offered/);
    const filter = FuseFilter.build(filterKeys(outputs(100_000)));
    expect(filter.bits).toBe(20);
    expect((filter.byteLength * 8) / 100_000).toBeLessThan(1.2 * 20);
  });

  it('duplicates are dropped, the empty set hits nothing', () => {
    const one = outputs(50);
    const filter = FuseFilter.build(filterKeys([...one, ...one, one[0]]));
    expect(filter.entries).toBe(50);
    expect(one.every((o) => filter.has(o))).toBe(true);
    expect(FuseFilter.build(new Uint32Array(0)).has(one[0])).toBe(false);
  });

  it('serialises byte for byte and reads back the same filter', () => {
    let seed = 0x01020304;
    const members = Array.from({ length: 10 }, (_, i) => Uint8Array.from({ length: 64 }, (_, j) => (i * 31 + j * 7) & 0xff));
    const filter = FuseFilter.build(filterKeys(members), { falsePositiveRate: 2 ** -8, seeds: () => seed++ });
    const bytes = filter.serialize();
    // magic "LMF1", 8 bits, seed 0x01020304 LE, segment length 16, segment count 1 (48 cells of 8 bits), 10 entries.
    expect(Buffer.from(bytes.subarray(0, FILTER_HEADER_BYTES)).toString('hex')).toBe('4c4d4631' + '08' + '04030201' + '10000000' + '01000000' + '0a000000');
    expect(bytes.length).toBe(FILTER_HEADER_BYTES + 48);
    const back = FuseFilter.deserialize(bytes, 100);
    expect(Buffer.from(back.serialize()).equals(Buffer.from(bytes))).toBe(true);
    expect(members.every((m) => back.has(m))).toBe(true);
  });

  it('refuses a malformed filter, naming what is wrong', () => {
    const bytes = FuseFilter.build(filterKeys(outputs(100))).serialize();
    const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
      const copy = Uint8Array.from(bytes);
      f(copy);
      return copy;
    };
    expect(() => FuseFilter.deserialize(bytes.subarray(0, 10), 1000)).toThrow(/at least 21 bytes/);
    expect(() => FuseFilter.deserialize(mutate((b) => (b[0] = 0)), 1000)).toThrow(/magic/);
    expect(() => FuseFilter.deserialize(mutate((b) => (b[4] = 40)), 1000)).toThrow(/fingerprint bits/);
    expect(() => FuseFilter.deserialize(mutate((b) => (b[17] = 200)), 1000)).toThrow(/segment layout|bytes/);
    expect(() => FuseFilter.deserialize(bytes, 99)).toThrow(/more than the 99/);
    expect(() => FuseFilter.deserialize(bytes.subarray(0, bytes.length - 1), 1000)).toThrow(/expected/);
  });
});
