// Building blocks for forged and corrupted envelopes (unit tests and the vector generator).
import { createHash, KeyObject } from 'node:crypto';
import { CompactSign, flattenedDecrypt, GeneralEncrypt, importJWK } from 'jose';
import type { PrivateOkpJwk, PublicOkpJwk } from '../jwk';
import { HEADER_DIGEST, HEADER_MESSAGE_ID, HEADER_RECIPIENT, HEADER_SENDER } from '../protocol';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Encrypts any plaintext to X25519 public keys exactly as the sealer does, or with another protected header. */
export async function encryptTo(
  plaintext: string,
  recipients: PublicOkpJwk[],
  protectedHeader: Record<string, unknown> = { enc: 'A256GCM', cty: 'JWT' },
): Promise<Buffer> {
  const jwe = new GeneralEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader(protectedHeader as never);
  for (const jwk of recipients) {
    const key = await importJWK({ kty: 'OKP', crv: 'X25519', x: jwk.x }, 'ECDH-ES+A256KW');
    jwe.addRecipient(key).setUnprotectedHeader({ alg: 'ECDH-ES+A256KW', kid: jwk.kid });
  }
  return Buffer.from(JSON.stringify(await jwe.encrypt()));
}

/** Signs any claims with any Ed25519 private key under any kid (the kid need not be the key's). */
export async function signAs(claims: unknown, signer: Pick<PrivateOkpJwk, 'x' | 'd'>, kid: string, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: signer.x, d: signer.d }, 'EdDSA');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT', ...header } as never)
    .sign(key);
}

/** Decrypts one recipient's entry of a General JSON JWE (what any recipient can do), returning the inner JWS. */
export async function decryptInner(value: Buffer, recipientKey: CryptoKey | KeyObject, index = 0): Promise<string> {
  const j = JSON.parse(value.toString());
  const r = j.recipients[index];
  const { plaintext } = await flattenedDecrypt(
    { protected: j.protected, header: r.header, encrypted_key: r.encrypted_key, iv: j.iv, ciphertext: j.ciphertext, tag: j.tag },
    recipientKey,
  );
  return new TextDecoder().decode(plaintext);
}

/** The four Kafka headers for a value, as a sender would set them. */
export function headersOf(value: Buffer, claims: { jti: string; iss: string }, recipient: string, sender = claims.iss): Record<string, string> {
  return { [HEADER_MESSAGE_ID]: claims.jti, [HEADER_SENDER]: sender, [HEADER_RECIPIENT]: recipient, [HEADER_DIGEST]: sha256(value) };
}

/** Re-serialises the outer JSON after `change`. */
export function editJwe(value: Buffer, change: (jwe: Record<string, any>) => void): Buffer {
  const jwe = JSON.parse(value.toString());
  change(jwe);
  return Buffer.from(JSON.stringify(jwe));
}

/** Flips the lowest bit of one decoded byte of a base64url field. */
export function flipB64(text: string, index = 0): string {
  const bytes = Buffer.from(text, 'base64url');
  bytes[index] ^= 0x01;
  return bytes.toString('base64url');
}
