// The ristretto255 group of RFC 9497's suite ristretto255-SHA512 as a voprf-ts `CryptoProvider`,
// on libsodium's ristretto255 primitives (WebAssembly, about six times faster than the pure
// JavaScript provider that voprf-ts ships; decision 0017). Every group operation is libsodium's:
// this file only adapts byte strings to the interface voprf-ts expects (and expands messages with
// Node's SHA-512). The RFC 9497 vectors in
// oprf.spec.ts check the adaptation end to end.
import { createHash } from 'node:crypto';
import type { CryptoProvider, Elt, Group, GroupCons, GroupID, HashID, Scalar } from '@cloudflare/voprf-ts';
import sodiumLib = require('libsodium-wrappers-sumo');

/** Byte length of a serialised ristretto255 element and of a scalar (RFC 9497 §4.1: Ne = Ns = 32). */
export const ELEMENT_BYTES = 32;
export const SCALAR_BYTES = 32;
const RISTRETTO: GroupID = 'ristretto255';
const IDENTITY = new Uint8Array(ELEMENT_BYTES);

type Sodium = typeof sodiumLib;

/**
 * RFC 9380 §5.3.1 expand_message_xmd with SHA-512 (b = 64, s = 128 bytes) on Node's native hash:
 * the uniform bytes behind hash_to_ristretto255 and HashToScalar. Checked by the RFC 9497 vectors.
 */
export function expandMessageXmd(msg: Uint8Array, dst: Uint8Array, length: number): Uint8Array {
  const ell = Math.ceil(length / 64);
  if (ell > 255 || length > 65535) throw new Error('expand_message_xmd: requested length too large');
  const tag = dst.length > 255 ? createHash('sha512').update('H2C-OVERSIZE-DST-').update(dst).digest() : dst;
  const dstPrime = Buffer.concat([tag, Buffer.of(tag.length)]);
  const b0 = createHash('sha512').update(new Uint8Array(128)).update(msg).update(Buffer.of(length >> 8, length & 0xff, 0)).update(dstPrime).digest();
  const out = Buffer.alloc(ell * 64);
  let previous = createHash('sha512').update(b0).update(Buffer.of(1)).update(dstPrime).digest();
  previous.copy(out, 0);
  for (let i = 2; i <= ell; i++) {
    const mixed = Buffer.alloc(64);
    for (let j = 0; j < 64; j++) mixed[j] = b0[j] ^ previous[j];
    previous = createHash('sha512').update(mixed).update(Buffer.of(i)).update(dstPrime).digest();
    previous.copy(out, (i - 1) * 64);
  }
  return new Uint8Array(out.subarray(0, length));
}
let ready: Sodium | undefined;

/** libsodium, initialised once; the provider must not be used before this resolves. */
export async function sodiumReady(): Promise<Sodium> {
  await sodiumLib.ready;
  ready = sodiumLib;
  return sodiumLib;
}

function na(): Sodium {
  if (!ready) throw new Error('libsodium not initialised: await sodiumReady() first');
  return ready;
}

function isZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i] ^ b[i];
  return acc === 0;
}

/** Whether 32 bytes are a scalar in canonical form (less than the group order). */
export function isCanonicalScalar(bytes: Uint8Array): boolean {
  if (bytes.length !== SCALAR_BYTES) return false;
  const wide = new Uint8Array(64);
  wide.set(bytes);
  return equal(na().crypto_core_ristretto255_scalar_reduce(wide), bytes);
}

/** Whether 32 bytes are the canonical encoding of a ristretto255 element (the identity included). */
export function isCanonicalElement(bytes: Uint8Array): boolean {
  return bytes.length === ELEMENT_BYTES && na().crypto_core_ristretto255_is_valid_point(bytes);
}

class SodiumScalar implements Scalar {
  constructor(
    readonly g: Group,
    readonly k: Uint8Array,
  ) {}
  isEqual(s: Scalar): boolean {
    return equal(this.k, (s as SodiumScalar).k);
  }
  isZero(): boolean {
    return isZero(this.k);
  }
  add(s: Scalar): Scalar {
    return new SodiumScalar(this.g, na().crypto_core_ristretto255_scalar_add(this.k, (s as SodiumScalar).k));
  }
  sub(s: Scalar): Scalar {
    return new SodiumScalar(this.g, na().crypto_core_ristretto255_scalar_sub(this.k, (s as SodiumScalar).k));
  }
  mul(s: Scalar): Scalar {
    return new SodiumScalar(this.g, na().crypto_core_ristretto255_scalar_mul(this.k, (s as SodiumScalar).k));
  }
  inv(): Scalar {
    return new SodiumScalar(this.g, na().crypto_core_ristretto255_scalar_invert(this.k));
  }
  serialize(): Uint8Array {
    return Uint8Array.from(this.k);
  }
}

class SodiumElement implements Elt {
  constructor(
    readonly g: Group,
    readonly p: Uint8Array,
  ) {}
  isIdentity(): boolean {
    return isZero(this.p);
  }
  isEqual(a: Elt): boolean {
    return equal(this.p, (a as SodiumElement).p);
  }
  neg(): Elt {
    return new SodiumElement(this.g, na().crypto_core_ristretto255_sub(IDENTITY, this.p));
  }
  add(a: Elt): Elt {
    return new SodiumElement(this.g, na().crypto_core_ristretto255_add(this.p, (a as SodiumElement).p));
  }
  mul(s: Scalar): Elt {
    const k = (s as SodiumScalar).k;
    // libsodium refuses to return the identity; k·P is the identity only for k = 0 or P = identity.
    if (isZero(k) || this.isIdentity()) return new SodiumElement(this.g, IDENTITY);
    return new SodiumElement(this.g, na().crypto_scalarmult_ristretto255(k, this.p));
  }
  mul2(k1: Scalar, a: Elt, k2: Scalar): Elt {
    return this.mul(k1).add(a.mul(k2));
  }
  serialize(): Uint8Array {
    return Uint8Array.from(this.p);
  }
}

class SodiumRistretto implements Group {
  readonly id = RISTRETTO;
  readonly eltDes = { size: () => ELEMENT_BYTES, deserialize: (b: Uint8Array) => this.desElt(b) };
  readonly scalarDes = { size: () => SCALAR_BYTES, deserialize: (b: Uint8Array) => this.desScalar(b) };
  newScalar(): Scalar {
    return new SodiumScalar(this, new Uint8Array(SCALAR_BYTES));
  }
  newElt(): Elt {
    return this.identity();
  }
  identity(): Elt {
    return new SodiumElement(this, IDENTITY);
  }
  generator(): Elt {
    const one = new Uint8Array(SCALAR_BYTES);
    one[0] = 1;
    return this.mulGen(new SodiumScalar(this, one));
  }
  mulGen(s: Scalar): Elt {
    const k = (s as SodiumScalar).k;
    if (isZero(k)) return this.identity();
    return new SodiumElement(this, na().crypto_scalarmult_ristretto255_base(k));
  }
  randomScalar(): Promise<Scalar> {
    return Promise.resolve(new SodiumScalar(this, na().crypto_core_ristretto255_scalar_random()));
  }
  hashToGroup(msg: Uint8Array, dst: Uint8Array): Promise<Elt> {
    // RFC 9380 hash_to_ristretto255: expand_message_xmd(SHA-512) to 64 bytes, then libsodium's one-way map.
    const uniform = expandMessageXmd(msg, dst, 64);
    return Promise.resolve(new SodiumElement(this, na().crypto_core_ristretto255_from_hash(uniform)));
  }
  hashToScalar(msg: Uint8Array, dst: Uint8Array): Promise<Scalar> {
    // RFC 9497 §4.1: expand_message_xmd(SHA-512) to 64 bytes, read little-endian, reduced mod L.
    const uniform = expandMessageXmd(msg, dst, 64);
    return Promise.resolve(new SodiumScalar(this, na().crypto_core_ristretto255_scalar_reduce(uniform)));
  }
  desElt(bytes: Uint8Array): Elt {
    if (!isCanonicalElement(bytes)) throw new Error('not a canonical ristretto255 element');
    return new SodiumElement(this, Uint8Array.from(bytes));
  }
  desScalar(bytes: Uint8Array): Scalar {
    if (!isCanonicalScalar(bytes)) throw new Error('not a canonical ristretto255 scalar');
    return new SodiumScalar(this, Uint8Array.from(bytes));
  }
  eltSize(): number {
    return ELEMENT_BYTES;
  }
  scalarSize(): number {
    return SCALAR_BYTES;
  }
}

const group = new SodiumRistretto();
const groups: GroupCons = {
  supportedGroups: [RISTRETTO],
  get(id: GroupID): Group {
    if (id !== RISTRETTO) throw new Error(`group ${id} not provided`);
    return group;
  },
};

/** The voprf-ts crypto provider for ristretto255-SHA512 on libsodium. */
export const SodiumProvider: CryptoProvider = {
  id: 'libsodium',
  Group: groups,
  hash(hashID: HashID, input: Uint8Array): Promise<Uint8Array> {
    if (hashID !== 'SHA-512') throw new Error(`hash ${hashID} not provided`);
    return Promise.resolve(new Uint8Array(createHash('sha512').update(input).digest()));
  },
};
