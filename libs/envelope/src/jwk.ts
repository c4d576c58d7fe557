import { calculateJwkThumbprint } from 'jose';
import { b64uDecode } from './encoding';

export type KeyUse = 'sig' | 'enc';
export const SIGNING_ALG = 'EdDSA';
export const KEY_MANAGEMENT_ALG = 'ECDH-ES+A256KW';
export const CONTENT_ENCRYPTION_ALG = 'A256GCM';

/** A public OKP JWK (RFC 8037) as Liaison publishes it: `kid` is the RFC 7638 thumbprint. */
export interface PublicOkpJwk {
  kty: 'OKP';
  crv: 'Ed25519' | 'X25519';
  x: string;
  kid: string;
  use: KeyUse;
  alg: typeof SIGNING_ALG | typeof KEY_MANAGEMENT_ALG;
}

/** The same with the private part `d` (the 32-byte seed / scalar). Never served, never logged. */
export interface PrivateOkpJwk extends PublicOkpJwk {
  d: string;
}

/** RFC 7638 thumbprint (SHA-256, base64url) of an OKP key: members crv, kty, x. */
export function okpThumbprint(crv: string, x: string): Promise<string> {
  return calculateJwkThumbprint({ kty: 'OKP', crv, x }, 'sha256');
}

export function curveFor(use: KeyUse): 'Ed25519' | 'X25519' {
  return use === 'sig' ? 'Ed25519' : 'X25519';
}

export function algFor(use: KeyUse): PublicOkpJwk['alg'] {
  return use === 'sig' ? SIGNING_ALG : KEY_MANAGEMENT_ALG;
}

export async function buildOkpJwk(use: KeyUse, publicKey: Uint8Array): Promise<PublicOkpJwk> {
  const crv = curveFor(use);
  const x = Buffer.from(publicKey).toString('base64url');
  return { kty: 'OKP', crv, x, kid: await okpThumbprint(crv, x), use, alg: algFor(use) };
}

/** p = 2^255 − 19, the field prime of Curve25519. */
const X25519_P = (1n << 255n) - 19n;

/**
 * Whether 32 bytes are the one canonical encoding of an X25519 public key (RFC 7748 §5): bit 255
 * clear and u < p. X25519 ignores bit 255 and reduces u mod p, so without this check other byte
 * strings (and so other envelope digests) would decrypt to the same claims.
 */
export function isCanonicalX25519(x: Uint8Array): boolean {
  if (x.length !== 32 || (x[31] & 0x80) !== 0) return false;
  return BigInt(`0x${Buffer.from(x).reverse().toString('hex')}`) < X25519_P;
}

/** Strips everything but the public members of an OKP JWK. */
export function toPublicJwk(jwk: PublicOkpJwk): PublicOkpJwk {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, use: jwk.use, alg: jwk.alg };
}

/**
 * Checks that `value` is a well-formed public OKP JWK for `use`, carrying no private member and a
 * `kid` equal to its thumbprint. Returns null when it is, or a reason (safe to log) when not.
 */
export async function checkPublicJwk(value: unknown, use: KeyUse): Promise<string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'jwk is not an object';
  const jwk = value as Record<string, unknown>;
  const allowed = ['kty', 'crv', 'x', 'kid', 'use', 'alg'];
  if (Object.keys(jwk).some((k) => !allowed.includes(k))) return 'jwk has members other than kty, crv, x, kid, use, alg';
  if (jwk.kty !== 'OKP' || jwk.crv !== curveFor(use)) return `jwk is not an OKP ${curveFor(use)} key`;
  if (jwk.use !== use || jwk.alg !== algFor(use)) return `jwk use/alg is not ${use}/${algFor(use)}`;
  const x = b64uDecode(jwk.x);
  if (!x || x.length !== 32) return 'jwk x is not 32 bytes of base64url';
  if (use === 'enc' && !isCanonicalX25519(x)) return 'jwk x is not a canonical X25519 u-coordinate';
  if (jwk.kid !== (await okpThumbprint(jwk.crv as string, jwk.x as string))) return 'jwk kid is not its RFC 7638 thumbprint';
  return null;
}
