import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { isUuidV7, uuidv7, uuidv7Timestamp } from './index';

describe('uuidv7', () => {
  it('matches the RFC 9562 test vector layout', () => {
    // RFC 9562 Appendix A.6: 2022-02-22T19:22:22Z = 0x017F22E279B0 → 017f22e2-79b0-7cc3-98c4-dc0c0c07398f
    const random = Uint8Array.from([0xcc, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f]);
    expect(uuidv7(() => 0x017f22e279b0, () => random)).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
  });

  it('sets version 7 and variant 10 whatever the random bytes', () => {
    expect(uuidv7(() => 0, () => new Uint8Array(10).fill(0xff))).toBe('00000000-0000-7fff-bfff-ffffffffffff');
    expect(uuidv7(() => 2 ** 48 - 1, () => new Uint8Array(10))).toBe('ffffffff-ffff-7000-8000-000000000000');
  });

  it('round-trips the timestamp and sorts by millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), (ms) => {
        const a = uuidv7(() => ms);
        const b = uuidv7(() => ms + 1);
        expect(isUuidV7(a)).toBe(true);
        expect(uuidv7Timestamp(a)).toBe(ms);
        expect(a < b).toBe(true);
      }),
    );
  });

  it('is unique with the default sources', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7()));
    expect(ids.size).toBe(10_000);
  });

  it('refuses bad clocks and short random sources', () => {
    expect(() => uuidv7(() => -1)).toThrow(RangeError);
    expect(() => uuidv7(() => 2 ** 48)).toThrow(RangeError);
    expect(() => uuidv7(() => 1.5)).toThrow(RangeError);
    expect(() => uuidv7(() => NaN)).toThrow(RangeError);
    expect(() => uuidv7(Date.now, () => randomBytes(9))).toThrow(RangeError);
  });

  it('recognises only v7 UUIDs', () => {
    expect(isUuidV7('017F22E2-79B0-7CC3-98C4-DC0C0C07398F')).toBe(false); // ids are canonical lowercase
    expect(isUuidV7('017f22e2-79b0-7cc3-98c4-dc0c0c07398f')).toBe(true);
    expect(isUuidV7('550e8400-e29b-41d4-a716-446655440000')).toBe(false); // v4
    expect(isUuidV7('017f22e2-79b0-7cc3-c8c4-dc0c0c07398f')).toBe(false); // wrong variant
    expect(isUuidV7('017f22e2-79b0-7cc3-98c4-dc0c0c07398f\n')).toBe(false);
    expect(isUuidV7('017f22e279b07cc398c4dc0c0c07398f')).toBe(false);
    expect(isUuidV7(42)).toBe(false);
    expect(() => uuidv7Timestamp('nope')).toThrow(TypeError);
  });
});
