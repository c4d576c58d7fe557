/**
 * UUID version 7 (RFC 9562 §5.7): 48-bit big-endian Unix time in milliseconds, version 7,
 * 12 random bits, variant 0b10, 62 random bits. Ids sort by creation millisecond; within one
 * millisecond their order is random (no counter: the function stays pure given its inputs).
 */
import { randomBytes } from 'node:crypto';

const MAX_TIMESTAMP = 2 ** 48 - 1;
/** A UUIDv7 in canonical lowercase form, as `uuidv7()` writes it. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function uuidv7(now: () => number = Date.now, random: (n: number) => Uint8Array = randomBytes): string {
  const ms = now();
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_TIMESTAMP) {
    throw new RangeError(`uuidv7: timestamp must be an integer number of milliseconds in [0, 2^48) (got ${ms})`);
  }
  const rand = random(10);
  if (!(rand instanceof Uint8Array) || rand.length < 10) throw new RangeError('uuidv7: random source returned fewer than 10 bytes');
  const b = new Uint8Array(16);
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b.set(rand.subarray(0, 10), 6);
  b[6] = 0x70 | (b[6] & 0x0f); // version 7
  b[8] = 0x80 | (b[8] & 0x3f); // variant 10
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isUuidV7(value: unknown): value is string {
  return typeof value === 'string' && UUID_V7.test(value);
}

/** The creation time in a UUIDv7 (milliseconds since the epoch). */
export function uuidv7Timestamp(value: string): number {
  if (!isUuidV7(value)) throw new TypeError('not a UUIDv7');
  return parseInt(value.replace(/-/g, '').slice(0, 12), 16);
}
