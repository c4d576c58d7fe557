// The compact filter a holder publishes: a 3-wise binary fuse filter (Graf & Lemire, "Binary Fuse
// Filters: Fast and Smaller Than Xor Filters", 2022) over the OPRF outputs of its index, with
// fingerprints of f bits packed end to end, so the false-positive rate is 2^-f at about 1.13·f
// bits per entry (decision 0017). The filter is static: a change of the index rebuilds it. The
// serialisation is specified byte for byte in docs/PROTOCOL.md §6 and checked by the spec.

/** Default largest false-positive rate (issue 18: at most one in a million). */
export const DEFAULT_FALSE_POSITIVE_RATE = 1e-6;
export const MIN_FINGERPRINT_BITS = 8;
export const MAX_FINGERPRINT_BITS = 32;
/** Bytes of the filter key taken from the front of an OPRF output: four little-endian uint32 words. */
export const FILTER_KEY_BYTES = 16;
const MAGIC = [0x4c, 0x4d, 0x46, 0x31]; // "LMF1"
/** Header: magic (4), fingerprint bits (1), seed (4), segment length (4), segment count (4), entries (4). */
export const FILTER_HEADER_BYTES = 21;
const MAX_SEGMENT_LENGTH = 1 << 18;
const MAX_ATTEMPTS = 100;

export class FilterError extends Error {
  constructor(
    readonly code: 'malformed_filter' | 'filter_build_failed' | 'bad_rate',
    message: string,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** The fingerprint width for a largest false-positive rate: f = ceil(log2(1/rate)), at least 8, at most 32. */
export function fingerprintBits(rate: number): number {
  if (!(rate > 0 && rate < 1)) throw new FilterError('bad_rate', 'the false-positive rate is a number between 0 and 1, exclusive');
  const bits = Math.ceil(-Math.log2(rate) - 1e-9);
  if (bits > MAX_FINGERPRINT_BITS) throw new FilterError('bad_rate', `a rate below 2^-${MAX_FINGERPRINT_BITS} is not offered`);
  return Math.max(MIN_FINGERPRINT_BITS, bits);
}

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** floor(a · n / 2^32) exactly, for a < 2^32 and n < 2^32, without BigInt. */
function mulHigh(a: number, n: number): number {
  const hi = a >>> 16;
  const lo = a & 0xffff;
  return Math.floor((hi * n + Math.floor((lo * n) / 65536)) / 65536);
}

interface Layout {
  segmentLength: number;
  segmentCount: number;
  /** segmentCount · segmentLength: the range of the first position. */
  segmentCountLength: number;
  /** (segmentCount + 2) · segmentLength cells. */
  cells: number;
}

function layoutFor(size: number): Layout {
  // The parameters of the reference implementation (xorfilter, binaryfusefilter.go), arity 3.
  let segmentLength = size === 0 ? 4 : 2 ** Math.floor(Math.log(size) / Math.log(3.33) + 2.25);
  segmentLength = Math.min(segmentLength, MAX_SEGMENT_LENGTH);
  const sizeFactor = size <= 1 ? 0 : Math.max(1.125, 0.875 + (0.25 * Math.log(1_000_000)) / Math.log(size));
  const capacity = size <= 1 ? 0 : Math.round(size * sizeFactor);
  const initSegmentCount = Math.max(0, Math.ceil(capacity / segmentLength) - 2);
  let segmentCount = Math.ceil(((initSegmentCount + 2) * segmentLength) / segmentLength);
  segmentCount = segmentCount <= 2 ? 1 : segmentCount - 2;
  return { segmentLength, segmentCount, segmentCountLength: segmentCount * segmentLength, cells: (segmentCount + 2) * segmentLength };
}

/** The three cell positions and the fingerprint of a key (four uint32 words) under a seed. */
function place(layout: Layout, bits: number, seed: number, w0: number, w1: number, w2: number, w3: number, out: Uint32Array): void {
  const mask = layout.segmentLength - 1;
  const h0 = mulHigh(fmix32((w0 ^ seed) >>> 0), layout.segmentCountLength);
  out[0] = h0;
  out[1] = ((h0 + layout.segmentLength) ^ (fmix32((w1 ^ Math.imul(seed, 0x9e3779b9)) >>> 0) & mask)) >>> 0;
  out[2] = ((h0 + 2 * layout.segmentLength) ^ (fmix32((w2 + seed) >>> 0) & mask)) >>> 0;
  out[3] = bits === 32 ? fmix32((w3 ^ seed ^ 0x5bd1e995) >>> 0) : fmix32((w3 ^ seed ^ 0x5bd1e995) >>> 0) >>> (32 - bits);
}

/** Filter keys from OPRF outputs: the first 16 bytes of each, as four little-endian uint32 words. */
export function filterKeys(outputs: readonly Uint8Array[]): Uint32Array {
  const keys = new Uint32Array(outputs.length * 4);
  outputs.forEach((o, i) => {
    if (o.length < FILTER_KEY_BYTES) throw new FilterError('malformed_filter', `output ${i} shorter than ${FILTER_KEY_BYTES} bytes`);
    const view = new DataView(o.buffer, o.byteOffset, FILTER_KEY_BYTES);
    for (let w = 0; w < 4; w++) keys[i * 4 + w] = view.getUint32(w * 4, true);
  });
  return keys;
}

function dedupe(keys: Uint32Array): Uint32Array {
  const n = keys.length / 4;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (let w = 0; w < 4; w++) {
      const d = keys[a * 4 + w] - keys[b * 4 + w];
      if (d !== 0) return d;
    }
    return 0;
  });
  const out: number[] = [];
  let last = -1;
  for (const i of order) {
    if (last >= 0 && keys[last * 4] === keys[i * 4] && keys[last * 4 + 1] === keys[i * 4 + 1] && keys[last * 4 + 2] === keys[i * 4 + 2] && keys[last * 4 + 3] === keys[i * 4 + 3]) continue;
    out.push(keys[i * 4], keys[i * 4 + 1], keys[i * 4 + 2], keys[i * 4 + 3]);
    last = i;
  }
  return Uint32Array.from(out);
}

export class FuseFilter {
  private readonly layout: Layout;
  private readonly scratch = new Uint32Array(4);

  private constructor(
    readonly bits: number,
    readonly seed: number,
    readonly entries: number,
    private readonly segmentLength: number,
    private readonly segmentCount: number,
    private readonly packed: Uint8Array,
  ) {
    this.layout = { segmentLength, segmentCount, segmentCountLength: segmentCount * segmentLength, cells: (segmentCount + 2) * segmentLength };
  }

  /** The false-positive rate of this filter: 2^-bits. */
  get falsePositiveRate(): number {
    return 2 ** -this.bits;
  }

  /** Bytes of the serialised filter. */
  get byteLength(): number {
    return FILTER_HEADER_BYTES + this.packed.length;
  }

  /**
   * Builds the filter over keys (four uint32 words per key, `filterKeys`); duplicates are dropped.
   * `seeds` gives the seed of each attempt (randomness behind an interface; the default is Math.random,
   * since a seed only needs to differ between attempts, not to be secret).
   */
  static build(keys: Uint32Array, options: { falsePositiveRate?: number; seeds?: () => number } = {}): FuseFilter {
    const bits = fingerprintBits(options.falsePositiveRate ?? DEFAULT_FALSE_POSITIVE_RATE);
    const nextSeed = options.seeds ?? (() => Math.floor(Math.random() * 2 ** 32) >>> 0);
    if (keys.length % 4 !== 0) throw new FilterError('malformed_filter', 'keys are four words each');
    let current = keys;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt === 1) current = dedupe(keys); // a failed attempt is most often a duplicate key
      const n = current.length / 4;
      const layout = layoutFor(n);
      const seed = nextSeed() >>> 0;
      const fingerprints = FuseFilter.peel(current, n, layout, bits, seed);
      if (fingerprints) return new FuseFilter(bits, seed, n, layout.segmentLength, layout.segmentCount, pack(fingerprints, bits));
    }
    throw new FilterError('filter_build_failed', `no seed peeled the filter in ${MAX_ATTEMPTS} attempts`);
  }

  private static peel(keys: Uint32Array, n: number, layout: Layout, bits: number, seed: number): Uint32Array | undefined {
    const cells = layout.cells;
    const count = new Uint32Array(cells); // count << 2 | xor of the positions (0, 1, 2) the keys take here
    const xorKey = new Uint32Array(cells); // xor of the key indexes in the cell
    const h = new Uint32Array(4);
    for (let i = 0; i < n; i++) {
      place(layout, bits, seed, keys[i * 4], keys[i * 4 + 1], keys[i * 4 + 2], keys[i * 4 + 3], h);
      for (let p = 0; p < 3; p++) {
        count[h[p]] = (count[h[p]] + 4) ^ p;
        xorKey[h[p]] ^= i;
      }
    }
    const queue = new Uint32Array(cells);
    let qlen = 0;
    for (let c = 0; c < cells; c++) if (count[c] >> 2 === 1) queue[qlen++] = c;
    const stackKey = new Uint32Array(n);
    const stackCell = new Uint32Array(n);
    let slen = 0;
    while (qlen > 0) {
      const cell = queue[--qlen];
      if (count[cell] >> 2 !== 1) continue;
      const key = xorKey[cell];
      const found = count[cell] & 3;
      stackKey[slen] = key;
      stackCell[slen++] = cell;
      place(layout, bits, seed, keys[key * 4], keys[key * 4 + 1], keys[key * 4 + 2], keys[key * 4 + 3], h);
      for (let p = 0; p < 3; p++) {
        if (p === found) continue;
        const other = h[p];
        count[other] = (count[other] - 4) ^ p;
        xorKey[other] ^= key;
        if (count[other] >> 2 === 1) queue[qlen++] = other;
      }
      count[cell] = 0;
    }
    if (slen !== n) return undefined;
    const fingerprints = new Uint32Array(cells);
    for (let s = slen - 1; s >= 0; s--) {
      const key = stackKey[s];
      place(layout, bits, seed, keys[key * 4], keys[key * 4 + 1], keys[key * 4 + 2], keys[key * 4 + 3], h);
      const cell = stackCell[s];
      fingerprints[cell] = (h[3] ^ fingerprints[h[0]] ^ fingerprints[h[1]] ^ fingerprints[h[2]] ^ fingerprints[cell]) >>> 0;
    }
    return fingerprints;
  }

  /** Whether the key of an OPRF output may be in the set (always true for a member). */
  has(output: Uint8Array): boolean {
    if (this.entries === 0) return false;
    const view = new DataView(output.buffer, output.byteOffset, FILTER_KEY_BYTES);
    const h = this.scratch;
    place(this.layout, this.bits, this.seed, view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true), h);
    return (h[3] ^ read(this.packed, this.bits, h[0]) ^ read(this.packed, this.bits, h[1]) ^ read(this.packed, this.bits, h[2])) >>> 0 === 0;
  }

  /** The byte-for-byte form (docs/PROTOCOL.md §6). */
  serialize(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    const view = new DataView(out.buffer);
    out.set(MAGIC, 0);
    out[4] = this.bits;
    view.setUint32(5, this.seed, true);
    view.setUint32(9, this.segmentLength, true);
    view.setUint32(13, this.segmentCount, true);
    view.setUint32(17, this.entries, true);
    out.set(this.packed, FILTER_HEADER_BYTES);
    return out;
  }

  /** Reads a filter received from another node, refusing anything inconsistent (naming what). */
  static deserialize(bytes: Uint8Array, maxEntries: number): FuseFilter {
    const bad = (why: string): never => {
      throw new FilterError('malformed_filter', why);
    };
    if (bytes.length < FILTER_HEADER_BYTES) bad(`a filter has at least ${FILTER_HEADER_BYTES} bytes`);
    if (MAGIC.some((b, i) => bytes[i] !== b)) bad('not a Liaison match filter (magic "LMF1")');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const bits = bytes[4];
    const seed = view.getUint32(5, true);
    const segmentLength = view.getUint32(9, true);
    const segmentCount = view.getUint32(13, true);
    const entries = view.getUint32(17, true);
    if (bits < MIN_FINGERPRINT_BITS || bits > MAX_FINGERPRINT_BITS) bad(`fingerprint bits ${bits} outside ${MIN_FINGERPRINT_BITS}..${MAX_FINGERPRINT_BITS}`);
    if (entries > maxEntries) bad(`${entries} entries, more than the ${maxEntries} accepted`);
    const expected = layoutFor(entries);
    if (segmentLength !== expected.segmentLength || segmentCount !== expected.segmentCount) bad('segment layout does not match the entry count');
    const packedLength = Math.ceil((expected.cells * bits) / 8);
    if (bytes.length !== FILTER_HEADER_BYTES + packedLength) bad(`expected ${FILTER_HEADER_BYTES + packedLength} bytes, got ${bytes.length}`);
    return new FuseFilter(bits, seed, entries, segmentLength, segmentCount, Uint8Array.from(bytes.subarray(FILTER_HEADER_BYTES)));
  }
}

/** Packs f-bit values end to end, least significant bit first (cell i at bits i·f … i·f + f − 1). */
function pack(values: Uint32Array, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  let bit = 0;
  for (let i = 0; i < values.length; i++, bit += bits) {
    let v = values[i];
    let at = bit;
    let left = bits;
    while (left > 0) {
      const byte = at >>> 3;
      const shift = at & 7;
      const take = Math.min(8 - shift, left);
      out[byte] |= (v & ((1 << take) - 1)) << shift;
      v = v >>> take;
      at += take;
      left -= take;
    }
  }
  return out;
}

function read(packed: Uint8Array, bits: number, index: number): number {
  let at = index * bits;
  let left = bits;
  let value = 0;
  let got = 0;
  while (left > 0) {
    const byte = at >>> 3;
    const shift = at & 7;
    const take = Math.min(8 - shift, left);
    value += ((packed[byte] >>> shift) & ((1 << take) - 1)) * 2 ** got;
    got += take;
    at += take;
    left -= take;
  }
  return value >>> 0;
}
