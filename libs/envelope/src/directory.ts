import { CompactSign, compactVerify, importJWK } from 'jose';
import { b64u, b64uDecode, isPlainObject, parseJson, utf8Decode } from './encoding';
import { AGENCY_CODE, isAgencyCode } from '@liaison/ids';
import { PublicJwks } from './keys';
import { buildOkpJwk, checkPublicJwk, KeyUse, PrivateOkpJwk, PublicOkpJwk, SIGNING_ALG, toPublicJwk } from './jwk';
import { sodium } from './sodium';

export type KeyStatus = 'active' | 'retired' | 'revoked';

export interface DirectoryKey {
  kid: string;
  use: KeyUse;
  /** Public OKP JWK only (Ed25519 for `sig`, X25519 for `enc`), `kid` = RFC 7638 thumbprint. */
  jwk: PublicOkpJwk;
  /** RFC 3339 UTC instants. */
  not_before: string;
  not_after: string;
  status: KeyStatus;
  retired_at?: string;
  revoked_at?: string;
}

export interface DirectoryAgency {
  code: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  keys: DirectoryKey[];
}

export interface Directory {
  serial: number;
  issued_at: string;
  federation: string;
  agencies: DirectoryAgency[];
}

export const DIRECTORY_JWS_TYP = 'liaison-directory+jws';

// ---------------------------------------------------------------------------------------------
// Validation

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function instant(value: unknown): number | null {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** Checks a directory's shape and keys. Returns null when valid, otherwise a reason (safe to log). */
export async function checkDirectory(value: unknown): Promise<string | null> {
  if (!isPlainObject(value)) return 'directory is not an object';
  const dir = value;
  if (!Number.isSafeInteger(dir.serial) || (dir.serial as number) < 0) return 'serial is not a non-negative integer';
  if (instant(dir.issued_at) === null) return 'issued_at is not an RFC 3339 UTC instant';
  if (typeof dir.federation !== 'string' || dir.federation.length === 0) return 'federation is empty';
  if (!Array.isArray(dir.agencies)) return 'agencies is not an array';
  const codes = new Set<string>();
  const kids = new Set<string>();
  for (const agency of dir.agencies as unknown[]) {
    if (!isPlainObject(agency)) return 'agency is not an object';
    if (!isAgencyCode(agency.code)) return `agency code does not match ${AGENCY_CODE.source}`;
    if (codes.has(agency.code)) return `agency ${agency.code} listed twice`;
    codes.add(agency.code);
    if (typeof agency.name !== 'string' || typeof agency.country !== 'string' || !/^[A-Z]{2}$/.test(agency.country)) {
      return `agency ${agency.code}: name or country`;
    }
    if (!Array.isArray(agency.keys)) return `agency ${agency.code}: keys is not an array`;
    for (const key of agency.keys as unknown[]) {
      const reason = await checkDirectoryKey(key, kids);
      if (reason) return `agency ${agency.code}: ${reason}`;
    }
  }
  return null;
}

async function checkDirectoryKey(key: unknown, kids: Set<string>): Promise<string | null> {
  if (!isPlainObject(key)) return 'key is not an object';
  if (key.use !== 'sig' && key.use !== 'enc') return 'key use is not sig or enc';
  if (typeof key.kid !== 'string' || kids.has(key.kid)) return 'key kid missing or listed twice';
  kids.add(key.kid);
  const jwkReason = await checkPublicJwk(key.jwk, key.use);
  if (jwkReason) return `key ${key.kid}: ${jwkReason}`;
  if ((key.jwk as PublicOkpJwk).kid !== key.kid) return `key ${key.kid}: jwk kid differs`;
  const nb = instant(key.not_before);
  const na = instant(key.not_after);
  if (nb === null || na === null || na <= nb) return `key ${key.kid}: not_before/not_after`;
  if (key.retired_at !== undefined && instant(key.retired_at) === null) return `key ${key.kid}: retired_at`;
  if (key.revoked_at !== undefined && instant(key.revoked_at) === null) return `key ${key.kid}: revoked_at`;
  if (key.status === 'retired') {
    if (instant(key.retired_at) === null) return `key ${key.kid}: retired without retired_at`;
  } else if (key.status === 'revoked') {
    if (instant(key.revoked_at) === null) return `key ${key.kid}: revoked without revoked_at`;
  } else if (key.status !== 'active') {
    return `key ${key.kid}: status`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Root key, signing and verification

export interface RootKeyPair {
  privateJwk: PrivateOkpJwk;
  publicJwk: PublicOkpJwk;
}

/** Generates a federation root key (Ed25519, libsodium). Keep the private JWK offline. */
export async function generateRootKey(): Promise<RootKeyPair> {
  const na = await sodium();
  const pair = na.crypto_sign_keypair();
  const seed = na.crypto_sign_ed25519_sk_to_seed(pair.privateKey);
  const publicJwk = await buildOkpJwk('sig', pair.publicKey);
  const privateJwk = { ...publicJwk, d: b64u(seed) };
  na.memzero(seed);
  na.memzero(pair.privateKey);
  return { privateJwk, publicJwk };
}

/** Signs a directory: compact JWS, EdDSA, `typ` liaison-directory+jws, `kid` = root key thumbprint. */
export async function signDirectory(dir: Directory, rootPrivateJwk: PrivateOkpJwk): Promise<string> {
  const reason = await checkDirectory(dir);
  if (reason) throw new TypeError(`invalid directory: ${reason}`);
  const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: rootPrivateJwk.x, d: rootPrivateJwk.d }, SIGNING_ALG);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(dir)))
    .setProtectedHeader({ alg: SIGNING_ALG, typ: DIRECTORY_JWS_TYP, kid: rootPrivateJwk.kid })
    .sign(key);
}

export const DirectoryRefusal = [
  'malformed',
  'unsigned',
  'algorithm_not_allowed',
  'wrong_key',
  'bad_signature',
  'invalid_directory',
  'federation_mismatch',
  'rollback',
  'serial_conflict',
] as const;
export type DirectoryRefusal = (typeof DirectoryRefusal)[number];

export type DirectoryVerification =
  | { ok: true; directory: Directory }
  | { ok: false; reason: DirectoryRefusal; detail: string };

async function verifyWithKey(jws: unknown, pinned: PublicOkpJwk, key: CryptoKey): Promise<DirectoryVerification> {
  const refuse = (reason: DirectoryRefusal, detail: string): DirectoryVerification => ({ ok: false, reason, detail });
  if (typeof jws !== 'string') return refuse('malformed', 'not a string');
  const parts = jws.split('.');
  if (parts.length !== 3) return refuse(jws.trim().startsWith('{') ? 'unsigned' : 'malformed', 'not a compact JWS');
  const headerBytes = b64uDecode(parts[0]);
  const headerText = headerBytes && utf8Decode(headerBytes);
  const header = headerText ? parseJson(headerText) : undefined;
  if (!isPlainObject(header)) return refuse('malformed', 'protected header');
  if (header.alg === 'none' || parts[2] === '') return refuse('unsigned', 'no signature');
  if (header.alg !== SIGNING_ALG || 'crit' in header || 'jwk' in header || 'jku' in header || 'x5u' in header || 'b64' in header) {
    return refuse('algorithm_not_allowed', 'only alg EdDSA without crit/jwk/jku/x5u/b64');
  }
  if (header.typ !== DIRECTORY_JWS_TYP) return refuse('malformed', `typ is not ${DIRECTORY_JWS_TYP}`);
  if (header.kid !== pinned.kid) return refuse('wrong_key', 'signed by a key other than the pinned root');
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(jws, key, { algorithms: [SIGNING_ALG], crit: {} })).payload;
  } catch {
    return refuse('bad_signature', 'signature does not verify under the pinned root key');
  }
  const text = utf8Decode(payload);
  const dir = text === null ? undefined : parseJson(text);
  const reason = await checkDirectory(dir);
  if (reason) return refuse('invalid_directory', reason);
  return { ok: true, directory: dir as Directory };
}

async function importRoot(pinned: PublicOkpJwk): Promise<CryptoKey> {
  const reason = await checkPublicJwk(toPublicJwk(pinned), 'sig');
  if (reason) throw new TypeError(`pinned root key: ${reason}`);
  return (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: pinned.x }, SIGNING_ALG)) as CryptoKey;
}

/** Verifies a signed directory against the pinned root public key. Never throws. */
export async function verifyDirectory(jws: string, pinnedRootPublicJwk: PublicOkpJwk): Promise<DirectoryVerification> {
  let key: CryptoKey;
  try {
    key = await importRoot(pinnedRootPublicJwk);
  } catch (e) {
    return { ok: false, reason: 'wrong_key', detail: e instanceof TypeError ? e.message : 'pinned root key unusable' };
  }
  return verifyWithKey(jws, pinnedRootPublicJwk, key);
}

// ---------------------------------------------------------------------------------------------
// Key resolution with rotation rules

export type KeyInvalidity = 'not_yet_valid' | 'expired' | 'retired' | 'revoked';

export type KeyResolution =
  | { status: 'valid'; agency: string; key: DirectoryKey }
  | { status: 'not_valid'; reason: KeyInvalidity; agency: string; key: DirectoryKey }
  | { status: 'unknown' };

/** Anything that resolves a kid to a directory key as of a time (a TrustStore, or a plain directory). */
export interface KeyResolver {
  resolveKey(kid: string, use: KeyUse, at: Date): KeyResolution;
}

/** Something that hands out the current directory. */
export type DirectorySource = (() => Directory | null) | { current(): Directory | null };

const indexes = new WeakMap<Directory, Map<string, { agency: string; key: DirectoryKey }>>();

function indexOf(dir: Directory): Map<string, { agency: string; key: DirectoryKey }> {
  let index = indexes.get(dir);
  if (!index) {
    index = new Map();
    for (const agency of dir.agencies) for (const key of agency.keys) index.set(key.kid, { agency: agency.code, key });
    indexes.set(dir, index);
  }
  return index;
}

/** Why `key` is not valid for something issued at `at`, or null when it is. */
export function keyInvalidity(key: DirectoryKey, at: Date): KeyInvalidity | null {
  const t = at.getTime();
  if (!(t >= Date.parse(key.not_before))) return 'not_yet_valid';
  if (!(t < Date.parse(key.not_after))) return 'expired';
  // A revoked key may have been retired before: both bounds apply.
  if ((key.status === 'revoked' || key.revoked_at !== undefined) && !(t < Date.parse(key.revoked_at ?? ''))) return 'revoked';
  if ((key.status === 'retired' || key.retired_at !== undefined) && !(t < Date.parse(key.retired_at ?? ''))) return 'retired';
  return null;
}

/**
 * Looks a kid up in a directory and applies the rotation rules as of `at` (the issued-at time of
 * what it signed): within not_before..not_after (end exclusive); a retired key verifies only what
 * was issued before retired_at; a revoked key nothing issued at or after revoked_at.
 */
export function resolveDirectoryKey(dir: Directory | null, kid: string, use: KeyUse, at: Date): KeyResolution {
  if (!dir) return { status: 'unknown' };
  const found = indexOf(dir).get(kid);
  if (!found || found.key.use !== use) return { status: 'unknown' };
  const reason = keyInvalidity(found.key, at);
  return reason ? { status: 'not_valid', reason, ...found } : { status: 'valid', ...found };
}

/** The key to encrypt to an agency at `at`: its active, currently valid X25519 key with the latest not_before. */
export function encryptionKeyFor(dir: Directory | null, agency: string, at: Date): DirectoryKey | null {
  const entry = dir?.agencies.find((a) => a.code === agency);
  if (!entry) return null;
  let best: DirectoryKey | null = null;
  for (const key of entry.keys) {
    if (key.use !== 'enc' || key.status !== 'active' || keyInvalidity(key, at)) continue;
    if (!best || Date.parse(key.not_before) > Date.parse(best.not_before)) best = key;
  }
  return best;
}

export function currentDirectory(source: DirectorySource): Directory | null {
  return typeof source === 'function' ? source() : source.current();
}

/** A KeyResolver over whatever directory the source currently hands out. */
export function resolverFor(source: DirectorySource | KeyResolver): KeyResolver {
  if (typeof source !== 'function' && 'resolveKey' in source) return source;
  return { resolveKey: (kid, use, at) => resolveDirectoryKey(currentDirectory(source), kid, use, at) };
}

// ---------------------------------------------------------------------------------------------
// Trust store: the pinned root, the last verified directory, rollback protection

/** Where the last verified directory (its JWS) survives restarts. Injected (file, database, ...). */
export interface DirectoryCache {
  load(): Promise<string | null>;
  save(jws: string): Promise<void>;
}

export type AcceptResult =
  | { ok: true; directory: Directory; changed: boolean; persisted: boolean }
  | { ok: false; reason: DirectoryRefusal; detail: string };

/**
 * Holds the federation directory a node trusts. It only ever moves forward: a directory must be
 * signed by the pinned root, belong to the same federation and carry a higher serial than the one
 * held (the same serial is accepted only byte-identical, as a re-delivery). When the source is
 * unreachable the node keeps working on the last verified directory.
 */
export class TrustStore implements KeyResolver {
  #root: Promise<CryptoKey>;
  #directory: Directory | null = null;
  #jws: string | null = null;
  #payload: string | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pinnedRoot: PublicOkpJwk,
    private readonly cache: DirectoryCache,
  ) {
    this.#root = importRoot(pinnedRoot);
    this.#root.catch(() => undefined); // surfaced by init()/accept()
  }

  /** Loads and re-verifies the last directory from the cache. */
  async init(): Promise<{ loaded: boolean; serial: number | null; reason?: string }> {
    await this.#root;
    let jws: string | null;
    try {
      jws = await this.cache.load();
    } catch {
      return { loaded: false, serial: this.serial, reason: 'cache unreadable' };
    }
    if (jws === null) return { loaded: false, serial: this.serial };
    const result = await this.#serialised(() => this.#accept(jws, false));
    return result.ok ? { loaded: true, serial: this.serial } : { loaded: false, serial: this.serial, reason: `${result.reason}: ${result.detail}` };
  }

  /** Verifies and, when it moves forward, adopts and persists a signed directory. Never throws. */
  accept(jws: string): Promise<AcceptResult> {
    return this.#serialised(() => this.#accept(jws, true));
  }

  current(): Directory | null {
    return this.#directory;
  }

  /** The JWS of the current directory, exactly as verified (to serve over HTTP or republish). */
  currentJws(): string | null {
    return this.#jws;
  }

  get serial(): number | null {
    return this.#directory?.serial ?? null;
  }

  resolveKey(kid: string, use: KeyUse, at: Date): KeyResolution {
    return resolveDirectoryKey(this.#directory, kid, use, at);
  }

  encryptionKeyFor(agency: string, at: Date): DirectoryKey | null {
    return encryptionKeyFor(this.#directory, agency, at);
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #accept(jws: string, persist: boolean): Promise<AcceptResult> {
    let key: CryptoKey;
    try {
      key = await this.#root;
    } catch {
      return { ok: false, reason: 'wrong_key', detail: 'pinned root key unusable' };
    }
    const verified = await verifyWithKey(jws, this.pinnedRoot, key);
    if (!verified.ok) return verified;
    const next = verified.directory;
    const held = this.#directory;
    const payload = jws.split('.')[1];
    if (held) {
      if (next.federation !== held.federation) return { ok: false, reason: 'federation_mismatch', detail: `directory of another federation` };
      if (next.serial < held.serial) return { ok: false, reason: 'rollback', detail: `serial ${next.serial} is below the held ${held.serial}` };
      if (next.serial === held.serial) {
        if (payload === this.#payload) return { ok: true, directory: held, changed: false, persisted: true };
        return { ok: false, reason: 'serial_conflict', detail: `a different directory with the held serial ${held.serial}` };
      }
    }
    this.#directory = next;
    this.#jws = jws;
    this.#payload = payload;
    let persisted = !persist;
    if (persist) {
      try {
        await this.cache.save(jws);
        persisted = true;
      } catch {
        persisted = false;
      }
    }
    return { ok: true, directory: next, changed: true, persisted };
  }
}

// ---------------------------------------------------------------------------------------------
// Editing helpers (pure: each returns a new directory with serial + 1)

export interface KeyValidity {
  /** When the change takes effect (issued_at, not_before of new keys, retired_at/revoked_at). Default now. */
  at?: Date;
  /** Validity of new keys in days. Default 730. */
  validityDays?: number;
}

const DAY_MS = 86_400_000;

function keysFrom(jwks: PublicJwks | PublicOkpJwk[], at: Date, validityDays: number): DirectoryKey[] {
  const list = Array.isArray(jwks) ? jwks : jwks.keys;
  // Whole seconds: signatures are dated by iat, a NumericDate in seconds, so a key added at
  // 10:00:05.300 must already sign what is dated 10:00:05.
  const from = Math.floor(at.getTime() / 1000) * 1000;
  return list.map((jwk) => ({
    kid: jwk.kid,
    use: jwk.use,
    jwk: toPublicJwk(jwk),
    not_before: new Date(from).toISOString(),
    not_after: new Date(from + validityDays * DAY_MS).toISOString(),
    status: 'active' as const,
  }));
}

function next(dir: Directory, at: Date, agencies: DirectoryAgency[]): Directory {
  return { serial: dir.serial + 1, issued_at: at.toISOString(), federation: dir.federation, agencies };
}

/** An empty directory (serial 0) to start a federation from. */
export function emptyDirectory(federation: string, at: Date = new Date()): Directory {
  return { serial: 0, issued_at: at.toISOString(), federation, agencies: [] };
}

export function addAgency(
  dir: Directory,
  agency: { code: string; name: string; country: string; keys: PublicJwks | PublicOkpJwk[] },
  options: KeyValidity = {},
): Directory {
  if (dir.agencies.some((a) => a.code === agency.code)) throw new Error(`agency ${agency.code} is already listed`);
  const at = options.at ?? new Date();
  const entry: DirectoryAgency = {
    code: agency.code,
    name: agency.name,
    country: agency.country,
    keys: keysFrom(agency.keys, at, options.validityDays ?? 730),
  };
  return next(dir, at, [...structuredClone(dir.agencies), entry]);
}

/** Adds an agency's new keys; its active keys of the same use become retired at `at`. */
export function rotateKeys(dir: Directory, code: string, newKeys: PublicJwks | PublicOkpJwk[], options: KeyValidity = {}): Directory {
  const at = options.at ?? new Date();
  const fresh = keysFrom(newKeys, at, options.validityDays ?? 730);
  const uses = new Set(fresh.map((k) => k.use));
  let found = false;
  const agencies = structuredClone(dir.agencies).map((a) => {
    if (a.code !== code) return a;
    found = true;
    const keys = a.keys.map((k) =>
      k.status === 'active' && uses.has(k.use) ? { ...k, status: 'retired' as const, retired_at: at.toISOString() } : k,
    );
    return { ...a, keys: [...keys, ...fresh] };
  });
  if (!found) throw new Error(`agency ${code} is not listed`);
  return next(dir, at, agencies);
}

/** Revokes a key as of `at`: it verifies nothing issued at or after that instant. */
export function revokeKey(dir: Directory, kid: string, options: { at?: Date } = {}): Directory {
  const at = options.at ?? new Date();
  let found = false;
  const agencies = structuredClone(dir.agencies).map((a) => ({
    ...a,
    keys: a.keys.map((k) => {
      if (k.kid !== kid) return k;
      found = true;
      return { ...k, status: 'revoked' as const, revoked_at: at.toISOString() };
    }),
  }));
  if (!found) throw new Error(`key ${kid} is not listed`);
  return next(dir, at, agencies);
}
