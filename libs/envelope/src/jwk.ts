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
  if (jwk.kid !== (await okpThumbprint(jwk.crv as string, jwk.x as string))) return 'jwk kid is not its RFC 7638 thumbprint';
  return null;
}
