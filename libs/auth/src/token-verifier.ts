/**
 * Bearer-token verification against the agency's identity provider: an issuer plus either a
 * JWKS URL (a real OIDC provider) or a pinned key set. Asymmetric algorithms only.
 * Nothing here logs; messages never contain the token or its claims' values beyond names.
 */
import { AGENCY_CODE } from '@liaison/ids';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { createHash } from 'node:crypto';
import { RemoteKeySet, type KeySetStatus, type RemoteKeySetOptions } from './remote-key-set';
import { isRole, type Principal, type Role } from './roles';

/** Algorithms a deployment may allow. Never `none`, never HMAC (a public key must not become a secret). */
export const SUPPORTED_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'RS256', 'PS256'] as const;
export type TokenAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];
export const DEFAULT_ALGORITHMS: readonly TokenAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];

/** Longer tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

export interface TokenVerifierConfig {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (one of, when the token has several). */
  audience: string;
  /** This node's agency code: the token's agency claim must equal it. */
  agency: string;
  /** The provider's JWKS endpoint (https, or http on a loopback host). Exactly one of jwksUrl / jwks. */
  jwksUrl?: string;
  /** A pinned key set. */
  jwks?: JSONWebKeySet;
  /** Allow-list; default EdDSA, ES256, RS256. */
  algorithms?: readonly string[];
  /** Default 30 seconds, at most 300. */
  clockToleranceSeconds?: number;
  /** Claim holding the roles (a dotted path such as `realm_access.roles` also works); default `roles`. */
  rolesClaim?: string;
  /** Claim holding the agency code; default `agency`. */
  agencyClaim?: string;
  /** Remote JWKS: timeouts, refresh and staleness limits (see RemoteKeySet). */
  jwksOptions?: RemoteKeySetOptions;
  /** The current time; default the system clock. */
  clock?: () => Date;
}

export const VERIFY_FAILURES = [
  'missing',
  'malformed',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'bad_signature',
  'other_agency',
  'no_role',
  'alg_not_allowed',
  'jwks_unavailable',
] as const;
export type VerifyFailureReason = (typeof VERIFY_FAILURES)[number];

export type VerifyResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: VerifyFailureReason; message: string };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Verified tokens remembered (by SHA-256): how many, and for how long at most. */
const VERIFIED_CACHE_SIZE = 10_000;
const VERIFIED_CACHE_MS = 60_000;

interface Verified {
  principal: Principal;
  /** The token's exp, in seconds. */
  exp: number;
  /** When (ms) the signature is checked again, so that a key withdrawn from the set stops counting. */
  recheckAt: number;
}

function fail(reason: VerifyFailureReason, message: string): VerifyResult {
  return { ok: false, reason, message };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly remote?: RemoteKeySet;
  private readonly algorithms: string[];
  private readonly clockTolerance: number;
  private readonly rolesClaim: string;
  private readonly agencyClaim: string;
  /**
   * A client sends the same token with every request; checking its signature each time was a
   * measurable share of the node's CPU. Only successes are kept, keyed by the token's digest, and
   * each still expires at its exp (with the same tolerance as a full check).
   */
  private readonly verified = new Map<string, Verified>();
  private readonly clock: () => Date;

  constructor(private readonly config: TokenVerifierConfig) {
    if (!config.issuer) throw new Error('TokenVerifier: issuer is required');
    if (!config.audience) throw new Error('TokenVerifier: audience is required');
    if (!AGENCY_CODE.test(config.agency ?? '')) throw new Error(`TokenVerifier: agency must match ${AGENCY_CODE.source}`);
    if ((config.jwksUrl === undefined) === (config.jwks === undefined)) {
      throw new Error('TokenVerifier: give exactly one of jwksUrl and jwks');
    }
    this.algorithms = [...(config.algorithms ?? DEFAULT_ALGORITHMS)];
    if (this.algorithms.length === 0) throw new Error('TokenVerifier: algorithms must not be empty');
    for (const alg of this.algorithms) {
      if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
        throw new Error(`TokenVerifier: algorithm "${alg}" is not allowed (supported: ${SUPPORTED_ALGORITHMS.join(', ')})`);
      }
    }
    const tolerance = config.clockToleranceSeconds ?? 30;
    if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 300) {
      throw new Error('TokenVerifier: clockToleranceSeconds must be between 0 and 300');
    }
    this.clockTolerance = tolerance;
    this.rolesClaim = config.rolesClaim ?? 'roles';
    this.agencyClaim = config.agencyClaim ?? 'agency';
    this.clock = config.clock ?? (() => new Date());
    if (config.jwksUrl !== undefined) {
      const url = new URL(config.jwksUrl);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
        throw new Error('TokenVerifier: jwksUrl must use https (plain http only on a loopback host)');
      }
      this.remote = new RemoteKeySet(url, config.jwksOptions);
      this.keys = this.remote.getKey;
    } else {
      this.keys = createLocalJWKSet(config.jwks!); // throws on a malformed key set
    }
  }

  /** For readiness checks: where the keys come from and how fresh they are (undefined for a pinned set). */
  keySetStatus(): KeySetStatus | undefined {
    return this.remote?.status();
  }

  get agency(): string {
    return this.config.agency;
  }

  async verify(token: string | undefined | null): Promise<VerifyResult> {
    if (token === undefined || token === null || token === '') return fail('missing', 'no bearer token was given');
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      return fail('malformed', 'the token is not a compact JWT');
    }
    const digest = createHash('sha256').update(token).digest('base64');
    const now = this.clock();
    const known = this.verified.get(digest);
    if (known) {
      if (now.getTime() < known.recheckAt && Math.floor(now.getTime() / 1000) - this.clockTolerance < known.exp) return { ok: true, principal: known.principal };
      this.verified.delete(digest);
    }
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return fail('malformed', 'the token header cannot be decoded');
    }
    if (typeof alg !== 'string' || !this.algorithms.includes(alg)) {
      return fail('alg_not_allowed', `the token algorithm is not allowed (allowed: ${this.algorithms.join(', ')})`);
    }

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.algorithms,
        clockTolerance: this.clockTolerance,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      return this.mapError(error);
    }

    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
      return fail('malformed', 'the token\'s "sub" claim must be a non-empty string');
    }
    const agency = claimAt(payload, this.agencyClaim);
    if (agency !== this.config.agency) {
      return fail(
        'other_agency',
        typeof agency === 'string' ? `the token is for another agency, not ${this.config.agency}` : `the token names no agency (claim "${this.agencyClaim}")`,
      );
    }
    const rawRoles = claimAt(payload, this.rolesClaim);
    const list = typeof rawRoles === 'string' ? rawRoles.split(' ') : Array.isArray(rawRoles) ? rawRoles : [];
    const roles = [...new Set(list.filter(isRole))] as Role[];
    if (roles.length === 0) return fail('no_role', `the token grants none of the node's roles (claim "${this.rolesClaim}")`);
    const principal: Principal = { subject: payload.sub, agency: this.config.agency, roles };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(digest, { principal, exp: payload.exp as number, recheckAt: now.getTime() + VERIFIED_CACHE_MS });
    return { ok: true, principal };
  }

  private mapError(error: unknown): VerifyResult {
    const code = (error as { code?: unknown } | null)?.code;
    const claim = (error as { claim?: unknown } | null)?.claim;
    switch (code) {
      case 'ERR_JWT_EXPIRED':
        return fail('expired', 'the token has expired');
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        if (claim === 'iss') return fail('wrong_issuer', `the token was not issued by ${this.config.issuer}`);
        if (claim === 'aud') return fail('wrong_audience', `the token is not meant for ${this.config.audience}`);
        if (claim === 'nbf') return fail('not_yet_valid', 'the token is not valid yet: its "nbf" is in the future');
        return fail('malformed', `the token's "${String(claim)}" claim is missing or invalid`);
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
        return fail('alg_not_allowed', 'the token algorithm is not allowed');
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return fail('bad_signature', 'the token signature does not verify');
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return fail('bad_signature', "no key of the issuer's key set matches the token");
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
        return fail('bad_signature', "several keys of the issuer's key set match the token and none verifies it");
      case 'ERR_JWS_INVALID':
      case 'ERR_JWT_INVALID':
      case 'ERR_JOSE_NOT_SUPPORTED':
        return fail('malformed', 'the token is not a valid JWT');
      case 'ERR_LIAISON_JWKS_UNAVAILABLE':
        return fail('jwks_unavailable', (error as Error).message);
      default:
        return fail('malformed', 'the token could not be verified');
    }
  }
}
