// C2SP signed-note, tlog-checkpoint and tlog-cosignature (Ed25519) in pure functions.
// Parsers and verifiers return typed results and never throw: notes arrive from peers,
// witnesses and bundle files.
import { KeyObject, createHash, createPublicKey, sign, verify } from 'crypto';
import { HASH_SIZE, bytesEqual, toIndex, verifyConsistency } from './merkle';

const EM_DASH = '\u2014';
const SIG_TYPE_ED25519 = 0x01;
const SIG_TYPE_COSIGNATURE_V1 = 0x04;
const MAX_SIGNATURES = 100; // signed-note: verifiers may reject notes with more
const MAX_U64 = (1n << 64n) - 1n;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;
// Control characters other than newline are forbidden in notes.
const FORBIDDEN_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/** An Ed25519 public key: a node KeyObject or the raw 32 bytes. */
export type Ed25519PublicKey = KeyObject | Uint8Array;

/** An Ed25519 OKP public JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
}

/** Strict base64 decoding (Buffer.from ignores garbage; a signature must not). */
export function decodeBase64(s: string): Uint8Array | null {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !BASE64_RE.test(s)) return null;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? new Uint8Array(bytes) : null;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Raw 32-byte Ed25519 public key of a public or private KeyObject, or of raw bytes. */
export function rawEd25519PublicKey(key: Ed25519PublicKey): Uint8Array {
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new TypeError('Ed25519 public key must be 32 bytes');
    return key;
  }
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  const jwk = pub.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
}

/** KeyObject from raw bytes, a JWK or a KeyObject; null when it is not an Ed25519 public key. */
export function ed25519PublicKeyObject(key: Ed25519PublicKey | Ed25519PublicJwk | unknown): KeyObject | null {
  try {
    if (key instanceof KeyObject) {
      const pub = key.type === 'private' ? createPublicKey(key) : key;
      return pub.asymmetricKeyType === 'ed25519' ? pub : null;
    }
    if (key instanceof Uint8Array) {
      if (key.length !== 32) return null;
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key).toString('base64url') }, format: 'jwk' });
    }
    if (typeof key === 'object' && key !== null) {
      const j = key as Record<string, unknown>;
      if (j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.x !== 'string' || 'd' in j) return null;
      const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: j.x }, format: 'jwk' });
      return rawEd25519PublicKey(pub).length === 32 ? pub : null;
    }
  } catch {
    // invalid key material
  }
  return null;
}

/** Public JWK of an Ed25519 key, for bundle headers. */
export function ed25519PublicJwk(key: Ed25519PublicKey): Ed25519PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(rawEd25519PublicKey(key)).toString('base64url') };
}

function keyIdFor(name: string, type: number, publicKey: Ed25519PublicKey): Uint8Array {
  const h = createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(new Uint8Array([0x0a, type]))
    .update(rawEd25519PublicKey(publicKey))
    .digest();
  return new Uint8Array(h.subarray(0, 4));
}

/** signed-note Ed25519 key id: SHA-256(name || 0x0A || 0x01 || pubkey)[:4]. */
export function noteKeyId(name: string, publicKeyRaw32: Ed25519PublicKey): Uint8Array {
  return keyIdFor(name, SIG_TYPE_ED25519, publicKeyRaw32);
}

/** tlog-cosignature/v1 key id: SHA-256(name || 0x0A || 0x04 || pubkey)[:4]. */
export function cosignatureKeyId(name: string, publicKeyRaw32: Ed25519PublicKey): Uint8Array {
  return keyIdFor(name, SIG_TYPE_COSIGNATURE_V1, publicKeyRaw32);
}

/** A key name: non-empty, no whitespace, no '+' (signed-note). */
export function isValidKeyName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !/[\s+]/u.test(name) && !FORBIDDEN_CHARS.test(name);
}

// ---------------------------------------------------------------- checkpoints

export interface CheckpointFields {
  origin: string;
  size: bigint | number;
  /** 32-byte root hash. */
  rootHash: Uint8Array;
  /** Optional extension lines (without newline). */
  extensions?: string[];
}

export interface Checkpoint {
  origin: string;
  size: bigint;
  rootHash: Uint8Array;
  extensions: string[];
  /** The exact body text the signatures cover. */
  body: string;
}

/** `<origin>\n<size>\n<base64 root>\n` plus any extension lines. Throws on invalid fields (our own data). */
export function checkpointBody(fields: CheckpointFields): string {
  const size = toIndex(fields.size);
  if (size === null || size > MAX_U64) throw new RangeError('size must be a u64');
  if (!(fields.rootHash instanceof Uint8Array) || fields.rootHash.length !== HASH_SIZE) throw new TypeError('root hash must be 32 bytes');
  const lines = [fields.origin, size.toString(), encodeBase64(fields.rootHash), ...(fields.extensions ?? [])];
  for (const l of lines) {
    if (l.length === 0 || l.includes('\n') || FORBIDDEN_CHARS.test(l)) throw new TypeError('checkpoint lines must be non-empty single lines');
  }
  return lines.join('\n') + '\n';
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a checkpoint body, or the body of a full signed note. */
export function parseCheckpoint(text: unknown): Parsed<Checkpoint> {
  if (typeof text !== 'string') return { ok: false, error: 'checkpoint is not a string' };
  // A checkpoint body has no blank line, so the first blank line starts the signatures.
  const sep = text.indexOf('\n\n');
  const body = sep >= 0 ? text.slice(0, sep + 1) : text;
  if (!body.endsWith('\n') || FORBIDDEN_CHARS.test(body)) return { ok: false, error: 'malformed checkpoint body' };
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return { ok: false, error: 'checkpoint needs origin, size and root lines' };
  if (lines.some((l) => l.length === 0)) return { ok: false, error: 'empty line in checkpoint body' };
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!DECIMAL_RE.test(sizeText)) return { ok: false, error: 'tree size is not a decimal without leading zeros' };
  const size = BigInt(sizeText);
  if (size > MAX_U64) return { ok: false, error: 'tree size exceeds u64' };
  const rootHash = decodeBase64(rootText);
  if (rootHash === null || rootHash.length !== HASH_SIZE) return { ok: false, error: 'root hash is not 32 bytes of base64' };
  return { ok: true, value: { origin, size, rootHash, extensions, body } };
}

// ---------------------------------------------------------------- signed notes

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  /** Bytes after the key id: the algorithm's signature field. */
  signature: Uint8Array;
}

export interface Note {
  /** Text the signatures cover, ending with a newline. */
  body: string;
  signatures: NoteSignature[];
}

/** Splits a signed note into body and signature lines (signatures are not checked here). */
export function parseNote(text: unknown): Parsed<Note> {
  if (typeof text !== 'string') return { ok: false, error: 'note is not a string' };
  if (FORBIDDEN_CHARS.test(text) || /\p{Surrogate}/u.test(text)) return { ok: false, error: 'note holds forbidden characters' };
  const sep = text.lastIndexOf('\n\n');
  if (sep < 0) return { ok: false, error: 'note has no signature block' };
  const body = text.slice(0, sep + 1);
  const block = text.slice(sep + 2);
  if (block.length === 0 || !block.endsWith('\n')) return { ok: false, error: 'signature block must end with a newline' };
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return { ok: false, error: 'too many signatures' };
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (m === null || !isValidKeyName(m[1])) return { ok: false, error: 'malformed signature line' };
    const raw = decodeBase64(m[2]);
    if (raw === null || raw.length < 5) return { ok: false, error: 'malformed signature' };
    signatures.push({ name: m[1], keyId: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  return { ok: true, value: { body, signatures } };
}

function signatureLine(name: string, keyId: Uint8Array, field: Uint8Array): string {
  const bytes = new Uint8Array(keyId.length + field.length);
  bytes.set(keyId, 0);
  bytes.set(field, keyId.length);
  return `${EM_DASH} ${name} ${encodeBase64(bytes)}\n`;
}

/** Signs a note body with an Ed25519 key: body, blank line, `— <name> <base64(keyid||sig)>\n`. */
export function signNote(body: string, name: string, privateKey: KeyObject): string {
  if (!body.endsWith('\n') || body.includes('\n\n') || FORBIDDEN_CHARS.test(body)) throw new TypeError('note body must be newline-terminated lines without blank lines');
  if (!isValidKeyName(name)) throw new TypeError('invalid key name');
  const sig = sign(null, Buffer.from(body, 'utf8'), privateKey);
  return `${body}\n${signatureLine(name, noteKeyId(name, privateKey), sig)}`;
}

/** Appends signature lines (e.g. cosignatures) to a signed note. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  const base = note.endsWith('\n') ? note : `${note}\n`;
  return base + lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
}

export type NoteVerification =
  | { ok: true; body: string; note: Note }
  | { ok: false; reason: 'malformed' | 'no_matching_signature' | 'bad_signature'; error: string };

function ed25519Verify(message: Uint8Array, key: KeyObject, sig: Uint8Array): boolean {
  try {
    return sig.length === 64 && verify(null, message, key, sig);
  } catch {
    return false;
  }
}

/**
 * Verifies that the note carries a valid Ed25519 signature by (name, publicKey). Lines by
 * other keys are ignored, as signed-note prescribes.
 */
export function verifyNote(text: unknown, name: string, publicKey: Ed25519PublicKey | Ed25519PublicJwk): NoteVerification {
  const found = findSignatures(text, name, publicKey, SIG_TYPE_ED25519);
  if (!found.ok) return found;
  const message = Buffer.from(found.note.body, 'utf8');
  if (found.candidates.some((s) => ed25519Verify(message, found.key, s.signature))) {
    return { ok: true, body: found.note.body, note: found.note };
  }
  return { ok: false, reason: 'bad_signature', error: `signature by ${name} does not verify` };
}

type SignatureFailure = { ok: false; reason: 'malformed' | 'no_matching_signature'; error: string };

/** Parses the note and keeps the lines whose name and key id match (name, key, type). */
function findSignatures(
  text: unknown,
  name: string,
  publicKey: Ed25519PublicKey | Ed25519PublicJwk,
  type: number,
): { ok: true; note: Note; key: KeyObject; candidates: NoteSignature[] } | SignatureFailure {
  const parsed = parseNote(text);
  if (!parsed.ok) return { ok: false, reason: 'malformed', error: parsed.error };
  const key = ed25519PublicKeyObject(publicKey);
  if (key === null) return { ok: false, reason: 'malformed', error: 'not an Ed25519 public key' };
  const id = keyIdFor(name, type, key);
  const candidates = parsed.value.signatures.filter((s) => s.name === name && bytesEqual(s.keyId, id));
  if (candidates.length === 0) return { ok: false, reason: 'no_matching_signature', error: `no signature by ${name} (type ${type})` };
  return { ok: true, note: parsed.value, key, candidates };
}

// ---------------------------------------------------------------- cosignatures

function cosignedMessage(body: string, time: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time.toString()}\n${body}`, 'utf8');
}

/**
 * tlog-cosignature/v1 line over a checkpoint body: field = keyid(4) || u64 BE time || sig(64),
 * signed message `cosignature/v1\ntime <t>\n` + body.
 */
export function cosign(checkpointBodyText: string, witnessName: string, witnessPrivateKey: KeyObject, timeSeconds: number | bigint): string {
  const time = toIndex(timeSeconds);
  if (time === null || time >= 1n << 63n) throw new RangeError('time must be 0..2^63-1 seconds');
  if (!isValidKeyName(witnessName)) throw new TypeError('invalid witness name');
  // Accept a whole note by mistake, but sign only its body.
  const parsed = parseCheckpoint(checkpointBodyText);
  if (!parsed.ok) throw new TypeError(`not a checkpoint: ${parsed.error}`);
  const sig = sign(null, cosignedMessage(parsed.value.body, time), witnessPrivateKey);
  const field = new Uint8Array(8 + 64);
  new DataView(field.buffer).setBigUint64(0, time, false);
  field.set(sig, 8);
  return signatureLine(witnessName, cosignatureKeyId(witnessName, witnessPrivateKey), field);
}

export type CosignatureVerification =
  | { ok: true; time: bigint }
  | { ok: false; reason: 'malformed' | 'no_matching_signature' | 'bad_signature'; error: string };

/** Verifies a witness's cosignature on a signed checkpoint note. */
export function verifyCosignature(note: unknown, witnessName: string, witnessPublicKey: Ed25519PublicKey | Ed25519PublicJwk): CosignatureVerification {
  const found = findSignatures(note, witnessName, witnessPublicKey, SIG_TYPE_COSIGNATURE_V1);
  if (!found.ok) return found;
  const { key, candidates } = found;
  for (const c of candidates) {
    if (c.signature.length !== 72) continue;
    const time = new DataView(c.signature.buffer, c.signature.byteOffset, 8).getBigUint64(0, false);
    if (time >= 1n << 63n) continue;
    if (ed25519Verify(cosignedMessage(found.note.body, time), key, c.signature.subarray(8))) return { ok: true, time };
  }
  return { ok: false, reason: 'bad_signature', error: `cosignature by ${witnessName} does not verify` };
}

// ---------------------------------------------------------------- witness policy

export type WitnessRejection =
  | 'bad_signature'
  | 'malformed'
  | 'wrong_origin'
  | 'smaller_tree'
  | 'same_size_different_root'
  | 'not_an_extension';

export interface WitnessInput {
  /** Last checkpoint this witness cosigned for the log, or null on first contact. */
  last: { size: bigint | number; root: Uint8Array; origin?: string } | null;
  incoming: Checkpoint;
  /** Consistency proof from last.size to incoming.size. */
  consistencyProof: Uint8Array[];
  /** Result of verifyNote on the incoming note with the log's key; false refuses. */
  signatureValid?: boolean;
}

export type WitnessDecision = { ok: true } | { ok: false; reason: WitnessRejection; error: string };

/**
 * Whether a witness may cosign `incoming`: only when it provably extends the last checkpoint
 * it cosigned (tlog-witness). Equal size with the same root is a re-request and is accepted.
 */
export function witnessDecision(input: WitnessInput): WitnessDecision {
  try {
    const { last, incoming, consistencyProof } = input;
    if (input.signatureValid === false) return { ok: false, reason: 'bad_signature', error: 'log signature does not verify' };
    const size2 = toIndex(incoming?.size);
    if (size2 === null || !(incoming.rootHash instanceof Uint8Array) || incoming.rootHash.length !== HASH_SIZE) {
      return { ok: false, reason: 'malformed', error: 'incoming checkpoint is malformed' };
    }
    if (last === null) return { ok: true }; // trust on first use
    const size1 = toIndex(last.size);
    if (size1 === null) return { ok: false, reason: 'malformed', error: 'stored checkpoint is malformed' };
    if (last.origin !== undefined && last.origin !== incoming.origin) {
      return { ok: false, reason: 'wrong_origin', error: `origin ${incoming.origin} is not ${last.origin}` };
    }
    if (size2 < size1) return { ok: false, reason: 'smaller_tree', error: `size ${size2} < last cosigned ${size1}` };
    if (size2 === size1) {
      return bytesEqual(last.root, incoming.rootHash)
        ? { ok: true }
        : { ok: false, reason: 'same_size_different_root', error: `two roots for size ${size1}: split view` };
    }
    if (!verifyConsistency(size1, size2, consistencyProof, last.root, incoming.rootHash)) {
      return { ok: false, reason: 'not_an_extension', error: `no valid consistency proof from ${size1} to ${size2}` };
    }
    return { ok: true };
  } catch {
    return { ok: false, reason: 'malformed', error: 'malformed input' };
  }
}
