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
  /**
   * RFC 3339 UTC instant after which nodes stop using this directory (they fail closed). Set by
   * {@link signDirectory}; required in every signed directory, absent only from unsigned drafts.
   */
  expires_at?: string;
  federation: string;
  agencies: DirectoryAgency[];
}

const DAY_MS = 86_400_000;
/** How long a signed directory stays usable by default (decision 0008). */
export const DEFAULT_DIRECTORY_VALIDITY_DAYS = 30;
/** Longest validity a signer may give a directory: a frozen node trusts a revoked key at most this long. */
export const MAX_DIRECTORY_VALIDITY_DAYS = 366;
/** A node warns (and its status says stale) this long before its directory expires. */
export const DEFAULT_DIRECTORY_WARNING_DAYS = 7;
/**
 * Largest accepted step between the held serial and the next one. A root key that signed serial
 * 2^53−1 would otherwise leave no serial to move forward to: with this cap the stolen key can only
 * climb step by step, each step a directory every node must receive and adopt (2^53 / 1000 steps
 * is billions of directories), while an honest signer never needs more than one step per edit.
 */
export const DEFAULT_MAX_SERIAL_JUMP = 1000;

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
  const issued = instant(dir.issued_at);
  if (issued === null) return 'issued_at is not an RFC 3339 UTC instant';
  if (dir.expires_at !== undefined) {
    const expires = instant(dir.expires_at);
    if (expires === null || expires <= issued) return 'expires_at is not an RFC 3339 UTC instant after issued_at';
  }
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

export interface DirectorySigning {
  /** Days from signing (or from issued_at, when that is later) to expires_at. Default {@link DEFAULT_DIRECTORY_VALIDITY_DAYS}. */
  validityDays?: number;
  /** The signing time. Default now. */
  now?: Date;
}

/** The directory as it will be signed: `expires_at` set `validityDays` after max(now, issued_at). */
export function withExpiry(dir: Directory, options: DirectorySigning = {}): Directory {
  const days = options.validityDays ?? DEFAULT_DIRECTORY_VALIDITY_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DIRECTORY_VALIDITY_DAYS) {
    throw new TypeError(`directory validity must be 1..${MAX_DIRECTORY_VALIDITY_DAYS} days`);
  }
  const from = Math.max((options.now ?? new Date()).getTime(), Date.parse(dir.issued_at) || 0);
  const { serial, issued_at, federation, agencies } = dir;
  return { serial, issued_at, expires_at: new Date(from + days * DAY_MS).toISOString(), federation, agencies };
}

/**
 * Signs a directory: compact JWS, EdDSA, `typ` liaison-directory+jws, `kid` = root key thumbprint.
 * Sets `expires_at` (see {@link withExpiry}), replacing any the draft carried.
 */
export async function signDirectory(draft: Directory, rootPrivateJwk: PrivateOkpJwk, options: DirectorySigning = {}): Promise<string> {
  const dir = withExpiry(draft, options);
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
  'serial_jump',
  'expired',
] as const;
export type DirectoryRefusal = (typeof DirectoryRefusal)[number];

export type DirectoryVerification =
  | { ok: true; directory: Directory }
  | { ok: false; reason: DirectoryRefusal; detail: string };

/** The pinned root keys by kid (a set, so the federation can rotate its root: decision 0008). */
type PinnedRoots = Map<string, CryptoKey>;

async function verifyWithRoots(jws: unknown, roots: PinnedRoots): Promise<DirectoryVerification> {
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
  const key = typeof header.kid === 'string' ? roots.get(header.kid) : undefined;
  if (!key) return refuse('wrong_key', 'signed by a key other than the pinned roots');
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
  if ((dir as Directory).expires_at === undefined) return refuse('invalid_directory', 'expires_at is missing');
  return { ok: true, directory: dir as Directory };
}

/** One pinned root public JWK, or several (a JWK set's `keys`, or an array). */
export type PinnedRootKeys = PublicOkpJwk | PublicOkpJwk[] | { keys: PublicOkpJwk[] };

/** The pinned roots as a list: a JWK, a list of JWKs or a JWK set. */
export function pinnedRootList(pinned: PinnedRootKeys): PublicOkpJwk[] {
  return Array.isArray(pinned) ? pinned : 'keys' in pinned ? pinned.keys : [pinned];
}

async function importRoots(pinned: PinnedRootKeys): Promise<PinnedRoots> {
  const list = pinnedRootList(pinned);
  if (list.length === 0) throw new TypeError('pinned root keys: the set is empty');
  const roots: PinnedRoots = new Map();
  for (const jwk of list) {
    const reason = await checkPublicJwk(toPublicJwk(jwk), 'sig');
    if (reason) throw new TypeError(`pinned root key: ${reason}`);
    roots.set(jwk.kid, (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, SIGNING_ALG)) as CryptoKey);
  }
  return roots;
}

/** Verifies a signed directory against the pinned root public key(s). Never throws. */
export async function verifyDirectory(jws: string, pinned: PinnedRootKeys): Promise<DirectoryVerification> {
  let roots: PinnedRoots;
  try {
    roots = await importRoots(pinned);
  } catch (e) {
    return { ok: false, reason: 'wrong_key', detail: e instanceof TypeError ? e.message : 'pinned root key unusable' };
  }
  return verifyWithRoots(jws, roots);
}

/** Whether `dir` may no longer be used at `now` (a draft without expires_at never expires). */
export function directoryExpired(dir: Directory, now: Date): boolean {
  return dir.expires_at !== undefined && !(now.getTime() < Date.parse(dir.expires_at));
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
  // Revoked means compromised: its signer could date anything before revoked_at, so nothing it
  // signed is trusted once this node holds the revoking directory, whatever the date.
  if (key.status === 'revoked' || key.revoked_at !== undefined) return 'revoked';
  if ((key.status === 'retired' || key.retired_at !== undefined) && !(t < Date.parse(key.retired_at ?? ''))) return 'retired';
  return null;
}

/**
 * Looks a kid up in a directory and applies the rotation rules as of `at` (the issued-at time of
 * what it signed): within not_before..not_after (end exclusive); a retired key verifies only what
 * was issued before retired_at; a revoked key verifies nothing. (How far back `at` may be is the
 * opener's transit window.)
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

// ---------------------------------------------------------------------------------------------
// Trust store: the pinned roots, the last verified directory, rollback and freeze protection

/** Where the last verified directory (its JWS) survives restarts. Injected (file, database, ...). */
export interface DirectoryCache {
  load(): Promise<string | null>;
  /** Keeps `jws` (whose serial is `serial`) and raises the highest adopted serial to `serial`. */
  save(jws: string, serial: number): Promise<void>;
  /**
   * The highest serial ever adopted, kept apart from the JWS and only ever raised, so that a
   * lost, emptied or replaced cache cannot roll the node back. Null before the first directory.
   * A cache without it relies on the serial of the JWS it holds.
   */
  highestSerial?(): Promise<number | null>;
}

export type AcceptResult =
  | { ok: true; directory: Directory; changed: boolean; persisted: boolean }
  | { ok: false; reason: DirectoryRefusal; detail: string };

/**
 * What init() found: `loaded` (a verified directory at or above the highest adopted serial),
 * `empty` (a node that never adopted one) or `unreadable` (anything else: the node must not
 * start on it unless an operator bootstraps).
 */
export type TrustInit =
  | { state: 'loaded'; serial: number }
  | { state: 'empty'; serial: null }
  | { state: 'unreadable'; serial: null; reason: string };

/** The directory's age and expiry as of a time, for health checks, metrics and alerts. */
export interface TrustStatus {
  serial: number | null;
  issuedAt: string | null;
  expiresAt: string | null;
  /** Seconds since issued_at; null without a directory. */
  ageSeconds: number | null;
  /** Seconds until expires_at (negative once expired); null without a directory. */
  expiresInSeconds: number | null;
  /** Within the warning period before expiry, or past it, or no directory at all. */
  stale: boolean;
  /** Past expires_at (or no directory): the node refuses to open and to seal. */
  expired: boolean;
}

export interface TrustStoreOptions {
  /** Largest accepted serial step. Default {@link DEFAULT_MAX_SERIAL_JUMP}. */
  maxSerialJump?: number;
  /** The warning period before expiry, in seconds. Default {@link DEFAULT_DIRECTORY_WARNING_DAYS} days. */
  warningSeconds?: number;
}

/**
 * Holds the federation directory a node trusts. It only ever moves forward: a directory must be
 * signed by a pinned root, belong to the same federation, be unexpired and carry a higher serial
 * than the one held and than the highest ever adopted, by at most the serial jump (the same
 * serial is accepted only byte-identical, as a re-delivery). When the source is unreachable the
 * node keeps working on the last verified directory until its expiry (decision 0008).
 */
export class TrustStore implements KeyResolver {
  #roots: Promise<PinnedRoots>;
  #directory: Directory | null = null;
  #jws: string | null = null;
  #payload: string | null = null;
  /** The highest serial ever adopted (from the cache's own record, or this process). */
  #floor: number | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #maxJump: number;
  readonly #warningMs: number;

  constructor(
    pinned: PinnedRootKeys,
    private readonly cache: DirectoryCache,
    options: TrustStoreOptions = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.#roots = importRoots(pinned);
    this.#roots.catch(() => undefined); // surfaced by init()/accept()
    this.#maxJump = options.maxSerialJump ?? DEFAULT_MAX_SERIAL_JUMP;
    this.#warningMs = (options.warningSeconds ?? DEFAULT_DIRECTORY_WARNING_DAYS * 86_400) * 1000;
    if (!Number.isSafeInteger(this.#maxJump) || this.#maxJump < 1) throw new TypeError('maxSerialJump must be a positive integer');
  }

  /** Loads and re-verifies the last directory and the highest adopted serial from the cache. */
  async init(): Promise<TrustInit> {
    const unreadable = (reason: string): TrustInit => ({ state: 'unreadable', serial: null, reason });
    try {
      await this.#roots;
    } catch (e) {
      return unreadable(e instanceof TypeError ? e.message : 'pinned root keys unusable');
    }
    let jws: string | null;
    try {
      jws = await this.cache.load();
      this.#floor = this.cache.highestSerial ? await this.cache.highestSerial() : null;
    } catch {
      return unreadable('cache unreadable');
    }
    if (jws === null) {
      return this.#floor === null ? { state: 'empty', serial: null } : unreadable(`no cached directory, though serial ${this.#floor} was adopted`);
    }
    // The cached directory is re-verified, not re-adopted: expiry does not apply (status() says it).
    const result = await this.#serialised(() => this.#accept(jws, false));
    if (!result.ok) return unreadable(`${result.reason}: ${result.detail}`);
    return { state: 'loaded', serial: result.directory.serial };
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

  /** Age, expiry and staleness of the current directory as of `now` (for /health, metrics, alerts). */
  status(now: Date = this.clock()): TrustStatus {
    const dir = this.#directory;
    if (!dir) return { serial: null, issuedAt: null, expiresAt: null, ageSeconds: null, expiresInSeconds: null, stale: true, expired: true };
    const expires = Date.parse(dir.expires_at ?? '');
    const left = expires - now.getTime();
    return {
      serial: dir.serial,
      issuedAt: dir.issued_at,
      expiresAt: dir.expires_at ?? null,
      ageSeconds: Math.floor((now.getTime() - Date.parse(dir.issued_at)) / 1000),
      expiresInSeconds: Math.floor(left / 1000),
      stale: !(left > this.#warningMs),
      expired: directoryExpired(dir, now),
    };
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

  async #accept(jws: string, adopt: boolean): Promise<AcceptResult> {
    const refuse = (reason: DirectoryRefusal, detail: string): AcceptResult => ({ ok: false, reason, detail });
    let roots: PinnedRoots;
    try {
      roots = await this.#roots;
    } catch {
      return refuse('wrong_key', 'pinned root keys unusable');
    }
    const verified = await verifyWithRoots(jws, roots);
    if (!verified.ok) return verified;
    const next = verified.directory;
    const held = this.#directory;
    const payload = jws.split('.')[1];
    if (held) {
      if (next.federation !== held.federation) return refuse('federation_mismatch', `directory of another federation`);
      if (next.serial === held.serial) {
        if (payload === this.#payload) return { ok: true, directory: held, changed: false, persisted: true };
        return refuse('serial_conflict', `a different directory with the held serial ${held.serial}`);
      }
    }
    // Without a held directory the highest adopted serial itself may come again (its JWS was lost).
    const floor = Math.max(held?.serial ?? -1, this.#floor ?? -1);
    const lowest = held ? floor + 1 : floor;
    if (next.serial < lowest) return refuse('rollback', `serial ${next.serial} is below the highest adopted ${floor}`);
    if (floor >= 0 && next.serial - floor > this.#maxJump) {
      return refuse('serial_jump', `serial ${next.serial} is more than ${this.#maxJump} above the highest adopted ${floor}`);
    }
    if (adopt && directoryExpired(next, this.clock())) return refuse('expired', `directory serial ${next.serial} expired at ${next.expires_at}`);
    // Saved before it is held, so whoever sees the new serial (readiness, the served JWS) can
    // rely on the cache holding it too; a failed save still adopts (the caller warns).
    let persisted = !adopt;
    if (adopt) {
      try {
        await this.cache.save(jws, next.serial);
        persisted = true;
      } catch {
        persisted = false;
      }
    }
    this.#directory = next;
    this.#jws = jws;
    this.#payload = payload;
    this.#floor = Math.max(this.#floor ?? -1, next.serial);
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
