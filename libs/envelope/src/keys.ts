import { createPrivateKey, createPublicKey, KeyObject, sign as nodeSign } from 'node:crypto';
import { inspect } from 'node:util';
import { AGENCY_CODE, isAgencyCode } from '@liaison/ids';
import { b64u, b64uDecode, CodedError, isPlainObject, parseJson, utf8Decode } from './encoding';
import { sodium } from './sodium';
import {
  buildOkpJwk,
  checkPublicJwk,
  KeyUse,
  PrivateOkpJwk,
  PublicOkpJwk,
  toPublicJwk,
} from './jwk';


/** An agency's private keys. Only ever held in memory or sealed in a key file. */
export interface AgencyPrivateKeys {
  agency: string;
  created_at: string;
  signing: PrivateOkpJwk;
  encryption: PrivateOkpJwk;
}

/** A JWK Set (RFC 7517 §5) of public keys. */
export interface PublicJwks {
  keys: PublicOkpJwk[];
}

/** Generates an agency's Ed25519 signing key and X25519 encryption key with libsodium. */
export async function generateAgencyKeys(agency: string): Promise<AgencyPrivateKeys> {
  if (!isAgencyCode(agency)) throw new TypeError('agency code must match ' + AGENCY_CODE.source);
  const na = await sodium();
  const sig = na.crypto_sign_keypair();
  const box = na.crypto_box_keypair(); // X25519 (Curve25519) key pair
  try {
    const seed = na.crypto_sign_ed25519_sk_to_seed(sig.privateKey);
    const signing: PrivateOkpJwk = { ...(await buildOkpJwk('sig', sig.publicKey)), d: b64u(seed) };
    const encryption: PrivateOkpJwk = { ...(await buildOkpJwk('enc', box.publicKey)), d: b64u(box.privateKey) };
    na.memzero(seed);
    return { agency, created_at: new Date().toISOString(), signing, encryption };
  } finally {
    na.memzero(sig.privateKey);
    na.memzero(box.privateKey);
  }
}

/** The public half of an agency's keys as a JWK Set: signing key first, then encryption key. */
export function publicJwks(keys: AgencyPrivateKeys): PublicJwks {
  return { keys: [toPublicJwk(keys.signing), toPublicJwk(keys.encryption)] };
}

// ---------------------------------------------------------------------------------------------
// Key file: private keys at rest.

export const KEY_FILE_FORMAT = 'liaison-agency-keys';
export const KEY_FILE_VERSION = 1;

export type KeyFileKdf =
  | { alg: 'argon2id13'; salt: string; opslimit: number; memlimit: number }
  | { alg: 'kek' };

/** The JSON a sealed key file holds. Everything but `ciphertext` is in the clear and authenticated. */
export interface KeyFile {
  format: typeof KEY_FILE_FORMAT;
  version: typeof KEY_FILE_VERSION;
  agency: string;
  public_jwks: PublicJwks;
  kdf: KeyFileKdf;
  aead: 'xchacha20poly1305-ietf';
  nonce: string;
  ciphertext: string;
}

export type KeySecret = { passphrase: string } | { kek: Uint8Array };

export interface SealKeyOptions {
  /** Argon2id operations limit; default libsodium's MODERATE (3). */
  opslimit?: number;
  /** Argon2id memory limit in bytes; default libsodium's MODERATE (256 MiB). */
  memlimit?: number;
}

/** Argon2id bounds accepted when opening a file: at least INTERACTIVE, at most what a node can afford. */
const MIN_OPSLIMIT = 2;
const MAX_OPSLIMIT = 16;
const MIN_MEMLIMIT = 64 * 1024 * 1024;
const MAX_MEMLIMIT = 1024 * 1024 * 1024;

export type KeyFileErrorCode =
  | 'malformed'
  | 'unsupported'
  | 'weak_parameters'
  | 'secret_kind_mismatch'
  | 'wrong_secret_or_corrupt'
  | 'key_mismatch';

/** Why a key file could not be opened. The message never contains key material. */
export class KeyFileError extends CodedError<KeyFileErrorCode> {}

function associatedData(file: Omit<KeyFile, 'nonce' | 'ciphertext'>): Uint8Array {
  const kdf =
    file.kdf.alg === 'kek'
      ? { alg: 'kek' }
      : { alg: file.kdf.alg, salt: file.kdf.salt, opslimit: file.kdf.opslimit, memlimit: file.kdf.memlimit };
  const canonical = {
    format: file.format,
    version: file.version,
    agency: file.agency,
    public_jwks: { keys: file.public_jwks.keys.map(toPublicJwk) },
    kdf,
    aead: file.aead,
  };
  return new TextEncoder().encode(JSON.stringify(canonical));
}

async function deriveKey(secret: KeySecret, kdf: KeyFileKdf): Promise<Uint8Array> {
  const na = await sodium();
  if ('kek' in secret) {
    if (kdf.alg !== 'kek') throw new KeyFileError('secret_kind_mismatch', 'file is sealed with a passphrase');
    if (!(secret.kek instanceof Uint8Array) || secret.kek.length !== 32) {
      throw new KeyFileError('secret_kind_mismatch', 'key-encryption key must be 32 bytes');
    }
    return Uint8Array.from(secret.kek);
  }
  if (kdf.alg !== 'argon2id13') throw new KeyFileError('secret_kind_mismatch', 'file is sealed with a key-encryption key');
  if (typeof secret.passphrase !== 'string' || secret.passphrase.length === 0) {
    throw new KeyFileError('secret_kind_mismatch', 'passphrase must be a non-empty string');
  }
  const salt = b64uDecode(kdf.salt);
  if (!salt || salt.length !== na.crypto_pwhash_SALTBYTES) throw new KeyFileError('malformed', 'salt');
  return na.crypto_pwhash(32, secret.passphrase, salt, kdf.opslimit, kdf.memlimit, na.crypto_pwhash_ALG_ARGON2ID13);
}

/**
 * Seals an agency's private keys: XChaCha20-Poly1305 under a key derived from the passphrase with
 * Argon2id (libsodium crypto_pwhash), or under a 32-byte key-encryption key given directly. The
 * agency and public JWKs stay in the clear as associated data.
 */
export async function sealPrivateKeys(keys: AgencyPrivateKeys, secret: KeySecret, options: SealKeyOptions = {}): Promise<KeyFile> {
  const na = await sodium();
  const kdf: KeyFileKdf =
    'kek' in secret
      ? { alg: 'kek' }
      : {
          alg: 'argon2id13',
          salt: b64u(na.randombytes_buf(na.crypto_pwhash_SALTBYTES)),
          opslimit: options.opslimit ?? na.crypto_pwhash_OPSLIMIT_MODERATE,
          memlimit: options.memlimit ?? na.crypto_pwhash_MEMLIMIT_MODERATE,
        };
  if (kdf.alg === 'argon2id13') checkLimits(kdf.opslimit, kdf.memlimit);
  const header = {
    format: KEY_FILE_FORMAT,
    version: KEY_FILE_VERSION,
    agency: keys.agency,
    public_jwks: publicJwks(keys),
    kdf,
    aead: 'xchacha20poly1305-ietf',
  } as const;
  const key = await deriveKey(secret, kdf);
  const nonce = na.randombytes_buf(na.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const plaintext = new TextEncoder().encode(JSON.stringify(keys));
  try {
    const ciphertext = na.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData(header), null, nonce, key);
    return { ...header, nonce: b64u(nonce), ciphertext: b64u(ciphertext) };
  } finally {
    na.memzero(key);
    na.memzero(plaintext);
  }
}

function checkLimits(opslimit: unknown, memlimit: unknown): void {
  if (!Number.isSafeInteger(opslimit) || !Number.isSafeInteger(memlimit)) throw new KeyFileError('malformed', 'kdf limits');
  if ((opslimit as number) < MIN_OPSLIMIT || (memlimit as number) < MIN_MEMLIMIT) {
    throw new KeyFileError('weak_parameters', 'Argon2id limits below libsodium INTERACTIVE');
  }
  if ((opslimit as number) > MAX_OPSLIMIT || (memlimit as number) > MAX_MEMLIMIT) {
    throw new KeyFileError('unsupported', 'Argon2id limits above 16 passes / 1 GiB');
  }
}

function parseKeyFile(input: unknown): KeyFile {
  const file = typeof input === 'string' ? parseJson(input) : input;
  if (!isPlainObject(file)) throw new KeyFileError('malformed', 'not a JSON object');
  if (file.format !== KEY_FILE_FORMAT) throw new KeyFileError('malformed', 'not a Liaison key file');
  if (file.version !== KEY_FILE_VERSION || file.aead !== 'xchacha20poly1305-ietf') {
    throw new KeyFileError('unsupported', 'unknown key file version or AEAD');
  }
  if (typeof file.agency !== 'string' || !isPlainObject(file.public_jwks) || !Array.isArray(file.public_jwks.keys)) {
    throw new KeyFileError('malformed', 'agency or public_jwks');
  }
  const kdf = file.kdf;
  if (!isPlainObject(kdf) || (kdf.alg !== 'kek' && kdf.alg !== 'argon2id13')) throw new KeyFileError('unsupported', 'kdf');
  if (kdf.alg === 'argon2id13') checkLimits(kdf.opslimit, kdf.memlimit);
  if (typeof file.nonce !== 'string' || typeof file.ciphertext !== 'string') throw new KeyFileError('malformed', 'nonce or ciphertext');
  return file as unknown as KeyFile;
}

/**
 * Opens a key file sealed by {@link sealPrivateKeys}. Throws {@link KeyFileError}
 * (`wrong_secret_or_corrupt` for a wrong passphrase/KEK or any altered byte).
 */
export async function openPrivateKeys(input: KeyFile | string, secret: KeySecret): Promise<AgencyPrivateKeys> {
  const na = await sodium();
  const file = parseKeyFile(input);
  const nonce = b64uDecode(file.nonce);
  const ciphertext = b64uDecode(file.ciphertext);
  if (!nonce || nonce.length !== na.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES || !ciphertext) {
    throw new KeyFileError('malformed', 'nonce or ciphertext encoding');
  }
  const key = await deriveKey(secret, file.kdf);
  let plaintext: Uint8Array;
  try {
    plaintext = na.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, associatedData(file), nonce, key);
  } catch {
    throw new KeyFileError('wrong_secret_or_corrupt', 'the key file does not open with this secret');
  } finally {
    na.memzero(key);
  }
  const text = utf8Decode(plaintext);
  na.memzero(plaintext);
  const keys = text === null ? undefined : parseJson(text);
  if (!isPlainObject(keys) || keys.agency !== file.agency) throw new KeyFileError('key_mismatch', 'sealed keys are not for this agency');
  const opened = keys as unknown as AgencyPrivateKeys;
  if (!isPlainObject(opened.signing) || !isPlainObject(opened.encryption)) throw new KeyFileError('key_mismatch', 'sealed keys are incomplete');
  const pub = publicJwks(opened);
  const clear = file.public_jwks.keys;
  if (clear.length !== 2 || clear.some((k, i) => k.kid !== pub.keys[i].kid || k.x !== pub.keys[i].x)) {
    throw new KeyFileError('key_mismatch', 'sealed keys do not match the public JWKs of the file');
  }
  return opened;
}

// ---------------------------------------------------------------------------------------------
// Keyring: keys imported once, used for every message.

/** What an envelope opener needs of a keyring: who we are and our X25519 private key(s) by kid. */
export interface RecipientKeyring {
  readonly agency: string;
  /** Our X25519 private key for this kid, or undefined when the kid is not one of ours. */
  decryptionKey(kid: string): KeyObject | undefined;
}

async function importPrivate(jwk: PrivateOkpJwk, use: KeyUse): Promise<KeyObject> {
  const reason = await checkPublicJwk(toPublicJwk(jwk), use);
  if (reason) throw new TypeError(`${use} key: ${reason}`);
  const d = b64uDecode(jwk.d);
  if (!d || d.length !== 32) throw new TypeError(`${use} key: d is not 32 bytes of base64url`);
  const keyObject = createPrivateKey({ key: { kty: 'OKP', crv: jwk.crv, x: jwk.x, d: jwk.d }, format: 'jwk' });
  const derivedX = createPublicKey(keyObject).export({ format: 'jwk' }).x;
  if (derivedX !== jwk.x) throw new TypeError(`${use} key: private part does not match x`);
  return keyObject;
}

/**
 * An agency's keys imported once as node KeyObjects, for signing and decrypting every message
 * without re-importing. Holds no JWK; prints only kids.
 */
export class AgencyKeyring implements RecipientKeyring {
  readonly #signingKeyObject: KeyObject;
  readonly #decryption: Map<string, KeyObject>;

  private constructor(
    readonly agency: string,
    readonly signingPublicJwk: PublicOkpJwk,
    readonly encryptionPublicJwk: PublicOkpJwk,
    signingKeyObject: KeyObject,
    decryption: Map<string, KeyObject>,
  ) {
    this.#signingKeyObject = signingKeyObject;
    this.#decryption = decryption;
  }

  /**
   * Imports an agency's private keys. `previousEncryptionKeys` keeps retired X25519 keys usable
   * for decryption while envelopes sealed to them may still arrive.
   */
  static async import(keys: AgencyPrivateKeys, options: { previousEncryptionKeys?: PrivateOkpJwk[] } = {}): Promise<AgencyKeyring> {
    if (!isAgencyCode(keys.agency)) throw new TypeError('agency code must match ' + AGENCY_CODE.source);
    const signing = await importPrivate(keys.signing, 'sig');
    const decryption = new Map<string, KeyObject>();
    for (const jwk of [keys.encryption, ...(options.previousEncryptionKeys ?? [])]) {
      decryption.set(jwk.kid, await importPrivate(jwk, 'enc'));
    }
    return new AgencyKeyring(keys.agency, toPublicJwk(keys.signing), toPublicJwk(keys.encryption), signing, decryption);
  }

  get signingKid(): string {
    return this.signingPublicJwk.kid;
  }

  get encryptionKid(): string {
    return this.encryptionPublicJwk.kid;
  }

  /** Kids of every X25519 key this keyring decrypts with (current first). */
  get encryptionKids(): string[] {
    return [...this.#decryption.keys()];
  }

  /** The Ed25519 private key as a node KeyObject, for other signers (e.g. ledger checkpoints). */
  get signingPrivateKey(): KeyObject {
    return this.#signingKeyObject;
  }

  /** The Ed25519 public key as a node KeyObject. */
  get signingPublicKey(): KeyObject {
    return createPublicKey(this.#signingKeyObject);
  }

  /** The raw 32-byte Ed25519 public key. */
  get signingPublicKeyRaw(): Uint8Array {
    return b64uDecode(this.signingPublicJwk.x) as Buffer;
  }

  /** Ed25519 signature (64 bytes) over `data` with the agency's signing key (synchronous, node crypto). */
  sign(data: Uint8Array): Buffer {
    return nodeSign(null, data, this.#signingKeyObject);
  }

  decryptionKey(kid: string): KeyObject | undefined {
    return this.#decryption.get(kid);
  }

  toJSON(): Record<string, string> {
    return { agency: this.agency, signingKid: this.signingKid, encryptionKid: this.encryptionKid };
  }

  [inspect.custom](): string {
    return `AgencyKeyring(${this.agency}, sig ${this.signingKid}, enc ${this.encryptionKid})`;
  }
}

/** A decrypt-only keyring from one private X25519 JWK (e.g. the test-only key of a vector). */
export async function importRecipientKey(agency: string, encryptionJwk: PrivateOkpJwk): Promise<RecipientKeyring> {
  const key = await importPrivate(encryptionJwk, 'enc');
  const kid = encryptionJwk.kid;
  return {
    agency,
    decryptionKey: (k: string) => (k === kid ? key : undefined),
  };
}
