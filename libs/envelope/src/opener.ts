import type { KeyObject } from 'crypto';
import { isUuid, uuidv7Timestamp } from '@liaison/ids';
import { checkClaims, NoticeClaims } from './claims';
import { currentDirectory, directoryExpired, DirectorySource, resolveDirectoryKey } from './directory';
import { parseStrictJson } from '@liaison/json';
import { b64uDecode, isPlainObject, onlyKeys, sha256Hex, utf8Decode } from './encoding';
import { decryptJweFor, verifyCompactJws } from './jose-primitives';
import { CONTENT_ENCRYPTION_ALG, isCanonicalX25519, KEY_MANAGEMENT_ALG, SIGNING_ALG } from './jwk';
import type { RecipientKeyring } from './keys';
import { PublicKeyCache } from './key-cache';
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_LIFETIME_SECONDS,
  DEFAULT_TRANSIT_WINDOW_SECONDS,
  HEADER_DIGEST,
  HEADER_MESSAGE_ID,
  HEADER_RECIPIENT,
  HEADER_SENDER,
  INNER_TYP,
  OUTER_CTY,
  RefusalCode,
} from './protocol';
import { MAX_RECIPIENTS } from './claims';

export interface EnvelopeOpenerOptions {
  /** This node's agency code. */
  agency: string;
  keyring: RecipientKeyring;
  /** The trust store (or any directory source): signing keys, revocations, the directory's expiry. */
  trust: DirectorySource;
  /**
   * Validates a body against its kind's schema, and its attachment references against the claim
   * `att`: null when valid, else an error text without content.
   */
  validateBody: (kind: string, body: unknown, att: readonly { id: string; type: string }[] | undefined) => string | null;
  clock?: () => Date;
  /** Largest accepted value in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** How far in the future `iat` may be, and how far the jti's UUIDv7 time may be from `iat`. Default 300 s. */
  clockSkewSeconds?: number;
  /** Longest accepted `exp − iat`. Default {@link DEFAULT_MAX_LIFETIME_SECONDS}. */
  maxLifetimeSeconds?: number;
  /** Oldest accepted `iat`, in seconds before now. Default {@link DEFAULT_TRANSIT_WINDOW_SECONDS}. */
  transitWindowSeconds?: number;
}

export type OpenResult =
  | { ok: true; claims: NoticeClaims; digest: string; signerKid: string }
  | {
      ok: false;
      code: RefusalCode;
      /** What failed, safe to log: names fields and kids, never content or key material. */
      detail: string;
      digest: string | null;
      /** The message-id header when it is UUID-shaped, for recording the refusal. */
      messageId: string | null;
    };

class Refusal {
  constructor(
    readonly code: RefusalCode,
    readonly detail: string,
  ) {}
}

const refuse = (code: RefusalCode, detail: string): Refusal => new Refusal(code, detail);

const OUTER_MEMBERS = ['protected', 'recipients', 'iv', 'ciphertext', 'tag'];
const PROTECTED_MEMBERS = ['enc', 'cty', 'epk'];
const RECIPIENT_MEMBERS = ['header', 'encrypted_key'];
const RECIPIENT_HEADER_MEMBERS = ['alg', 'kid', 'epk'];
const INNER_HEADER_MEMBERS = ['alg', 'kid', 'typ'];
/** Header parameters whose presence alone is refused by the algorithm allow-list. */
const FORBIDDEN_PARAMS = ['zip', 'crit', 'jku', 'jwk', 'x5u', 'x5c', 'p2s', 'p2c', 'b64'];

interface OuterRecipient {
  header: Record<string, unknown>;
  encrypted_key: string;
}

interface Outer {
  protected: string;
  recipients: OuterRecipient[];
  iv: string;
  ciphertext: string;
  tag: string;
  /** The protected header's epk (a lone recipient's), decoded once here; else each recipient has its own. */
  sharedEpk?: { x: string };
}

/** Strict JSON of one part: UTF-8 only, no repeated member, an object. */
function jsonObject(text: string | null, code: 'malformed' | 'malformed_inner', what: string): Record<string, unknown> | Refusal {
  if (text === null) return refuse(code, `${what} is not UTF-8`);
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return parsed.duplicate !== null ? refuse('duplicate_member', `${what} names a member twice`) : refuse(code, `${what} is not JSON`);
  return isPlainObject(parsed.value) ? parsed.value : refuse(code, `${what} is not a JSON object`);
}

function decodeJsonPart(part: unknown, code: 'malformed' | 'malformed_inner', what: string): Record<string, unknown> | Refusal {
  const bytes = b64uDecode(part);
  if (!bytes) return refuse(code, `${what} is not base64url`);
  return jsonObject(utf8Decode(bytes), code, what);
}

function checkEpk(epk: unknown): Refusal | null {
  if (!isPlainObject(epk) || !onlyKeys(epk, ['kty', 'crv', 'x'])) return refuse('malformed', 'epk is not an OKP public key');
  if (epk.kty !== 'OKP' || epk.crv !== 'X25519') return refuse('algorithm_not_allowed', 'epk is not an X25519 key');
  const x = b64uDecode(epk.x);
  if (!x || x.length !== 32) return refuse('malformed', 'epk x is not 32 bytes');
  if (!isCanonicalX25519(x)) return refuse('non_canonical_key', 'epk x is not canonical (bit 255 set or u >= 2^255-19)');
  return null;
}

/** Step 2 and 3: serialization, then the algorithm allow-list. */
function parseOuter(text: string | null): Outer | Refusal {
  const outer = jsonObject(text, 'malformed', 'value');
  if (outer instanceof Refusal) return outer;
  if (!onlyKeys(outer, OUTER_MEMBERS) || OUTER_MEMBERS.some((k) => !(k in outer))) {
    return refuse('malformed', 'not a JWE General JSON serialization with exactly protected, recipients, iv, ciphertext, tag');
  }
  const prot = decodeJsonPart(outer.protected, 'malformed', 'protected header');
  if (prot instanceof Refusal) return prot;
  const iv = b64uDecode(outer.iv);
  const tag = b64uDecode(outer.tag);
  const ct = b64uDecode(outer.ciphertext);
  if (!iv || iv.length !== 12 || !tag || tag.length !== 16 || !ct || ct.length === 0) {
    return refuse('malformed', 'iv, tag or ciphertext encoding or length');
  }
  const recipients = outer.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > MAX_RECIPIENTS) {
    return refuse('malformed', `recipients is not a list of 1..${MAX_RECIPIENTS}`);
  }
  const kids = new Set<string>();
  for (const r of recipients as unknown[]) {
    if (!isPlainObject(r) || !onlyKeys(r, RECIPIENT_MEMBERS) || !isPlainObject(r.header)) return refuse('malformed', 'recipient entry');
    if (!b64uDecode(r.encrypted_key)) return refuse('malformed', 'encrypted_key is not base64url');
    if (typeof r.header.kid !== 'string' || kids.has(r.header.kid)) return refuse('malformed', 'recipient kid missing or repeated');
    kids.add(r.header.kid);
  }
  // Algorithm allow-list: ECDH-ES+A256KW (X25519) per recipient, A256GCM, no compression, no crit.
  const allHeaders = [prot, ...(recipients as OuterRecipient[]).map((r) => r.header)];
  for (const h of allHeaders) {
    const bad = FORBIDDEN_PARAMS.find((p) => p in h);
    if (bad) return refuse('algorithm_not_allowed', `header parameter ${bad} is not allowed`);
  }
  if ('alg' in prot) return refuse('algorithm_not_allowed', 'alg must be set per recipient, to ECDH-ES+A256KW');
  if (prot.enc !== CONTENT_ENCRYPTION_ALG) return refuse('algorithm_not_allowed', `enc is not ${CONTENT_ENCRYPTION_ALG}`);
  for (const r of recipients as OuterRecipient[]) {
    if (r.header.alg !== KEY_MANAGEMENT_ALG) return refuse('algorithm_not_allowed', `recipient alg is not ${KEY_MANAGEMENT_ALG}`);
  }
  if (!onlyKeys(prot, PROTECTED_MEMBERS)) return refuse('malformed', 'protected header has members other than enc, cty, epk');
  if (prot.cty !== OUTER_CTY) return refuse('malformed', 'cty is not JWT');
  // jose puts the ephemeral key in the protected header when there is one recipient, else per recipient.
  if ('epk' in prot) {
    if (recipients.length !== 1) return refuse('malformed', 'a shared epk with several recipients');
    const e = checkEpk(prot.epk);
    if (e) return e;
  }
  for (const r of recipients as OuterRecipient[]) {
    if (!onlyKeys(r.header, RECIPIENT_HEADER_MEMBERS)) return refuse('malformed', 'recipient header has members other than alg, kid, epk');
    if ('epk' in r.header === 'epk' in prot) return refuse('malformed', 'epk must be in exactly one of the protected or the recipient header');
    if ('epk' in r.header) {
      const e = checkEpk(r.header.epk);
      if (e) return e;
    }
    if (b64uDecode(r.encrypted_key)?.length !== 40) return refuse('malformed', 'encrypted_key is not an A256KW-wrapped 256-bit key');
  }
  return { ...(outer as unknown as Outer), sharedEpk: prot.epk as { x: string } | undefined };
}

interface Inner {
  jws: string;
  kid: string;
  claims: NoticeClaims;
}

function parseInner(plaintext: Uint8Array): Inner | Refusal {
  const jws = utf8Decode(plaintext);
  if (jws === null) return refuse('malformed_inner', 'plaintext is not UTF-8');
  const parts = jws.split('.');
  if (parts.length !== 3) return refuse('malformed_inner', 'plaintext is not a compact JWS');
  const header = decodeJsonPart(parts[0], 'malformed_inner', 'JWS header');
  if (header instanceof Refusal) return header;
  if (header.alg !== SIGNING_ALG) return refuse('algorithm_not_allowed', 'inner JWS alg is not EdDSA');
  const bad = FORBIDDEN_PARAMS.find((p) => p in header);
  if (bad) return refuse('algorithm_not_allowed', `inner header parameter ${bad} is not allowed`);
  if (!onlyKeys(header, INNER_HEADER_MEMBERS) || header.typ !== INNER_TYP || typeof header.kid !== 'string') {
    return refuse('malformed_inner', 'JWS header is not exactly {alg EdDSA, kid, typ JWT}');
  }
  const sig = b64uDecode(parts[2]);
  if (!sig || sig.length !== 64) return refuse('malformed_inner', 'signature is not 64 bytes of base64url');
  const claims = decodeJsonPart(parts[1], 'malformed_inner', 'JWS payload');
  if (claims instanceof Refusal) return claims;
  const reason = checkClaims(claims);
  if (reason) return refuse('malformed_inner', reason);
  return { jws, kid: header.kid, claims: claims as unknown as NoticeClaims };
}

/**
 * Opens envelopes addressed to this agency, running every check in a fixed order and answering
 * with a typed result. Never throws, never returns a partially checked notice.
 */
export class EnvelopeOpener {
  readonly #o: Required<EnvelopeOpenerOptions>;
  readonly #keys = new PublicKeyCache();

  constructor(options: EnvelopeOpenerOptions) {
    if (options.keyring.agency !== options.agency) throw new TypeError('keyring is not for this agency');
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    const maxLifetimeSeconds = options.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
    const transitWindowSeconds = options.transitWindowSeconds ?? DEFAULT_TRANSIT_WINDOW_SECONDS;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError('maxBytes must be a positive integer');
    if (!Number.isSafeInteger(clockSkewSeconds) || clockSkewSeconds < 0) throw new TypeError('clockSkewSeconds must be a non-negative integer');
    if (!Number.isSafeInteger(maxLifetimeSeconds) || maxLifetimeSeconds <= 0) throw new TypeError('maxLifetimeSeconds must be a positive integer');
    if (!Number.isSafeInteger(transitWindowSeconds) || transitWindowSeconds <= 0) throw new TypeError('transitWindowSeconds must be a positive integer');
    this.#o = {
      agency: options.agency,
      keyring: options.keyring,
      trust: options.trust,
      validateBody: options.validateBody,
      clock: options.clock ?? (() => new Date()),
      maxBytes,
      clockSkewSeconds,
      maxLifetimeSeconds,
      transitWindowSeconds,
    };
  }

  async open(value: Buffer, headers: Record<string, string | undefined>): Promise<OpenResult> {
    let digest: string | null = null;
    let messageId: string | null = null;
    try {
      const h = isPlainObject(headers) ? headers : {};
      const idHeader = h[HEADER_MESSAGE_ID];
      messageId = typeof idHeader === 'string' && isUuid(idHeader) ? idHeader : null;
      if (!(value instanceof Uint8Array)) return { ok: false, code: 'malformed', detail: 'value is not bytes', digest, messageId };
      digest = sha256Hex(value);
      const result = await this.#open(value, digest, h);
      if (result instanceof Refusal) return { ok: false, code: result.code, detail: result.detail, digest, messageId };
      return result;
    } catch (e) {
      return { ok: false, code: 'internal_error', detail: `unexpected ${e instanceof Error ? e.name : typeof e}`, digest, messageId };
    }
  }

  async #open(value: Uint8Array, digest: string, headers: Record<string, string | undefined>): Promise<OpenResult | Refusal> {
    const o = this.#o;
    // 0. trust data: one directory for the whole check; past its expiry the node fails closed
    // (trust_unavailable: the message stays on the topic until a fresh directory arrives).
    const nowDate = o.clock();
    const dir = currentDirectory(o.trust);
    if (!dir) return refuse('trust_unavailable', 'no verified federation directory');
    if (directoryExpired(dir, nowDate)) return refuse('trust_unavailable', `directory serial ${dir.serial} expired at ${dir.expires_at}`);
    // 1. size
    if (value.length > o.maxBytes) return refuse('too_large', `${value.length} bytes exceeds ${o.maxBytes}`);
    // 2-3. serialization, algorithm allow-list
    const outer = parseOuter(utf8Decode(value));
    if (outer instanceof Refusal) return outer;
    // 4. a recipient entry for one of our keys
    let ours: OuterRecipient | undefined;
    let key: KeyObject | undefined;
    for (const r of outer.recipients) {
      key = o.keyring.decryptionKey(r.header.kid as string);
      if (key) {
        ours = r;
        break;
      }
    }
    if (!ours || !key) return refuse('unknown_recipient_key', 'no recipient entry for a key of this agency');
    // 5. decryption (only our entry: the others are not authenticated to us)
    let plaintext: Uint8Array;
    try {
      // parseOuter has put epk in exactly one place and checked every algorithm and length.
      const epk = (ours.header.epk ?? outer.sharedEpk) as { x: string };
      plaintext = decryptJweFor(outer, { epk, encryptedKey: ours.encrypted_key }, key);
    } catch {
      return refuse('decryption_failed', `JWE does not decrypt with key ${ours.header.kid as string}`);
    }
    // 6. inner JWS and claims shape
    const inner = parseInner(plaintext);
    if (inner instanceof Refusal) return inner;
    const { claims } = inner;
    // 7-9. signing key, signature, key validity as of iat (a revoked key: whatever iat)
    const resolution = resolveDirectoryKey(dir, inner.kid, 'sig', new Date(claims.iat * 1000));
    if (resolution.status === 'unknown') return refuse('unknown_signing_key', `signing key ${inner.kid} is not in the directory`);
    let verified = false;
    try {
      verified = verifyCompactJws(inner.jws, this.#keys.get(resolution.key));
    } catch {
      // a key that cannot be imported or is not Ed25519 verifies nothing
    }
    if (!verified) return refuse('bad_signature', `signature does not verify under ${inner.kid}`);
    // 9a. Older than any message may wait in transit: refused before the key's validity is asked,
    // so a key's past validity (expired, retired) serves a thief for no longer than this window.
    const now = Math.floor(nowDate.getTime() / 1000);
    if (claims.iat < now - o.transitWindowSeconds) return refuse('too_old', `iat ${claims.iat} is more than ${o.transitWindowSeconds}s before now ${now}`);
    if (resolution.status === 'not_valid') {
      return refuse('signing_key_not_valid', `signing key ${inner.kid} is ${resolution.reason} as of iat ${claims.iat}`);
    }
    // 10. sender header = signer's agency = iss
    const sender = headers[HEADER_SENDER];
    if (sender !== resolution.agency || claims.iss !== resolution.agency) {
      return refuse('sender_mismatch', `header sender, signer agency ${resolution.agency} and iss must be equal`);
    }
    // 11. routing headers = signed claims / received bytes
    if (headers[HEADER_MESSAGE_ID] !== claims.jti) return refuse('header_mismatch', `${HEADER_MESSAGE_ID} is not jti`);
    if (headers[HEADER_RECIPIENT] !== o.agency) return refuse('header_mismatch', `${HEADER_RECIPIENT} is not this agency`);
    if (headers[HEADER_DIGEST] !== digest) return refuse('header_mismatch', `${HEADER_DIGEST} is not the SHA-256 of the value`);
    // 12. we are addressed
    if (!claims.aud.includes(o.agency)) return refuse('not_a_recipient', `${o.agency} is not in aud (forwarded)`);
    // 13-16. time: not expired, not from the future, a bounded lifetime, jti dated as iat
    if (now >= claims.exp) return refuse('expired', `exp ${claims.exp} is not after now ${now}`);
    if (claims.iat > now + o.clockSkewSeconds) return refuse('clock_skew', `iat ${claims.iat} is more than ${o.clockSkewSeconds}s after now ${now}`);
    if (claims.exp - claims.iat > o.maxLifetimeSeconds) return refuse('lifetime_too_long', `exp - iat is more than ${o.maxLifetimeSeconds}s`);
    const jtiSeconds = Math.floor(uuidv7Timestamp(claims.jti) / 1000);
    if (Math.abs(jtiSeconds - claims.iat) > o.clockSkewSeconds) return refuse('jti_time_mismatch', `the UUIDv7 time of jti is more than ${o.clockSkewSeconds}s from iat`);
    // 18. body schema, and the attachments the body refers to
    const bodyError = o.validateBody(claims.kind, claims.body, claims.att);
    if (bodyError !== null) return refuse('schema_violation', `${claims.kind}: ${String(bodyError).slice(0, 300)}`);
    return { ok: true, claims, digest, signerKid: inner.kid };
  }
}
