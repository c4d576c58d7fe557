// The envelope's two JOSE operations on Node's own synchronous crypto (decision 0007): an EdDSA
// compact JWS (RFC 8037) and a General JSON JWE (RFC 7516 §7.2.1) with ECDH-ES+A256KW over X25519
// (RFC 7518 §4.6, RFC 8037) and A256GCM. jose's WebCrypto path cost several times more CPU per
// envelope in the pipeline profile (key objects built and promises settled per operation). jose
// stays the reference: the tests check that jose opens what this seals and this opens what jose
// seals, and the published vectors, made by jose, must open.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, KeyObject, randomBytes, sign, verify } from 'crypto';
import { KEY_MANAGEMENT_ALG } from './jwk';

/** RFC 3394 §2.2.3.1 default initial value of AES Key Wrap. */
const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const CEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const b64u = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/**
 * Concat KDF (NIST SP 800-56A, as RFC 7518 §4.6.2 fixes it) for ECDH-ES+A256KW with empty
 * PartyUInfo and PartyVInfo (the envelope allows no apu/apv): one SHA-256 round is the 256-bit key.
 */
function keyWrappingKey(sharedSecret: Buffer): Buffer {
  const alg = Buffer.from(KEY_MANAGEMENT_ALG, 'ascii');
  return createHash('sha256')
    .update(uint32(1))
    .update(sharedSecret)
    .update(Buffer.concat([uint32(alg.length), alg, uint32(0), uint32(0), uint32(256)]))
    .digest();
}

/**
 * Wraps the content key for one recipient with a fresh ephemeral X25519 key. The key is built from
 * 32 random bytes (X25519 clamps them) through a JWK, for which Node 20 reads `d` alone (x must only
 * be a string): twice as fast as libsodium here, and not generateKeyPairSync, with which a node in
 * the fault suite stopped for good, its main thread blocked on a mutex in KeyGenJob::~KeyGenJob
 * run by a garbage collection. Should Node start checking x, sealing fails loudly and the
 * jose cross-checks in jose-primitives.spec.ts fail.
 */
function wrapFor(cek: Buffer, recipient: KeyObject): { epk: EphemeralKey; encryptedKey: string } {
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: randomBytes(32).toString('base64url'), x: '' }, format: 'jwk' });
  const epk: EphemeralKey = { x: createPublicKey(privateKey).export({ format: 'jwk' }).x as string, crv: 'X25519', kty: 'OKP' };
  const wrap = createCipheriv('id-aes256-wrap', keyWrappingKey(diffieHellman({ privateKey, publicKey: recipient })), AES_KW_IV);
  return { epk, encryptedKey: b64u(Buffer.concat([wrap.update(cek), wrap.final()])) };
}

/** An EdDSA compact JWS over `payload` with `header` (which must name alg EdDSA). */
export function signCompactJws(header: Record<string, string>, payload: Uint8Array, key: KeyObject): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(payload)}`;
  return `${input}.${b64u(sign(null, Buffer.from(input, 'ascii'), key))}`;
}

/** Whether the EdDSA signature of a compact JWS (three parts, already checked) verifies under `key`. */
export function verifyCompactJws(jws: string, key: KeyObject): boolean {
  const dot = jws.lastIndexOf('.');
  return verify(null, Buffer.from(jws.slice(0, dot), 'ascii'), key, Buffer.from(jws.slice(dot + 1), 'base64url'));
}

export interface JweRecipientKey {
  kid: string;
  /** The recipient's X25519 public key. */
  key: KeyObject;
}

export interface EphemeralKey {
  kty: 'OKP';
  crv: 'X25519';
  x: string;
}

export interface GeneralJwe {
  ciphertext: string;
  iv: string;
  recipients: { encrypted_key: string; header: { alg: string; kid: string; epk?: EphemeralKey } }[];
  tag: string;
  protected: string;
}

/**
 * Encrypts `plaintext` once with a random content key, wrapped for each recipient with its own
 * ephemeral X25519 key. As jose does, a lone recipient's `epk` goes in the protected header and
 * several recipients' in their own headers; members are in jose's order.
 */
export function encryptGeneralJwe(plaintext: Uint8Array, protectedHeader: Record<string, string>, recipients: JweRecipientKey[]): GeneralJwe {
  const cek = randomBytes(CEK_BYTES);
  const iv = randomBytes(IV_BYTES);
  const wrapped = recipients.map(({ kid, key }) => ({ kid, ...wrapFor(cek, key) }));
  const lone = wrapped.length === 1;
  const prot = b64u(JSON.stringify(lone ? { ...protectedHeader, epk: wrapped[0].epk } : protectedHeader));
  const gcm = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: TAG_BYTES });
  gcm.setAAD(Buffer.from(prot, 'ascii'));
  const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final()]);
  cek.fill(0);
  return {
    ciphertext: b64u(ciphertext),
    iv: b64u(iv),
    recipients: wrapped.map(({ kid, epk, encryptedKey }) => ({
      encrypted_key: encryptedKey,
      header: lone ? { alg: KEY_MANAGEMENT_ALG, kid } : { alg: KEY_MANAGEMENT_ALG, kid, epk },
    })),
    tag: b64u(gcm.getAuthTag()),
    protected: prot,
  };
}

/**
 * Decrypts a General JSON JWE through one recipient entry with our X25519 private key. The caller
 * has checked the structure, algorithms and lengths; any cryptographic failure (a low-order epk,
 * a wrong key, an altered byte anywhere) throws.
 */
export function decryptJweFor(
  jwe: { protected: string; iv: string; ciphertext: string; tag: string },
  recipient: { epk: { x: string }; encryptedKey: string },
  key: KeyObject,
): Buffer {
  const ephemeral = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: recipient.epk.x }, format: 'jwk' });
  const unwrap = createDecipheriv('id-aes256-wrap', keyWrappingKey(diffieHellman({ privateKey: key, publicKey: ephemeral })), AES_KW_IV);
  const cek = Buffer.concat([unwrap.update(Buffer.from(recipient.encryptedKey, 'base64url')), unwrap.final()]);
  if (cek.length !== CEK_BYTES) throw new Error('unwrapped content key is not 256 bits');
  const gcm = createDecipheriv('aes-256-gcm', cek, Buffer.from(jwe.iv, 'base64url'), { authTagLength: TAG_BYTES });
  gcm.setAAD(Buffer.from(jwe.protected, 'ascii'));
  gcm.setAuthTag(Buffer.from(jwe.tag, 'base64url'));
  return Buffer.concat([gcm.update(Buffer.from(jwe.ciphertext, 'base64url')), gcm.final()]);
}
