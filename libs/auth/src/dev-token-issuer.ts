/**
 * Development identity provider for the local federation: one Ed25519 key, a public JWKS and
 * EdDSA-signed access tokens. Not for production: whoever holds the key file mints any role.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { isRole, type Role } from './roles';

export interface MintOptions {
  subject: string;
  agency: string;
  roles: readonly Role[];
  audience: string;
  /** Default 3600; at most 30 days. */
  ttlSeconds?: number;
}

export interface DevTokenIssuerOptions {
  /** Clock in milliseconds (tests mint expired tokens with it). */
  now?: () => number;
}

interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d?: string;
}

const MAX_TTL_SECONDS = 30 * 24 * 3600;

/** RFC 7638 thumbprint of an OKP key: SHA-256 over {"crv","kty","x"} in that order. */
export function okpThumbprint(jwk: { crv: string; kty: string; x: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

export class DevTokenIssuer {
  /** The key id: the RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  private readonly publicJwk: Ed25519Jwk;

  private constructor(
    readonly issuer: string,
    private readonly privateKey: KeyObject,
    private readonly options: DevTokenIssuerOptions,
  ) {
    if (!issuer) throw new Error('DevTokenIssuer: issuer is required');
    const pub = createPublicKey(privateKey).export({ format: 'jwk' }) as unknown as Ed25519Jwk;
    if (pub.kty !== 'OKP' || pub.crv !== 'Ed25519') throw new Error('DevTokenIssuer: the key must be Ed25519');
    this.publicJwk = { kty: 'OKP', crv: 'Ed25519', x: pub.x };
    this.kid = okpThumbprint(this.publicJwk);
  }

  static generate(issuer: string, options: DevTokenIssuerOptions = {}): DevTokenIssuer {
    return new DevTokenIssuer(issuer, generateKeyPairSync('ed25519').privateKey, options);
  }

  static fromPrivateJwk(issuer: string, jwk: JWK, options: DevTokenIssuerOptions = {}): DevTokenIssuer {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
      throw new Error('DevTokenIssuer: expected a private Ed25519 JWK');
    }
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
    return new DevTokenIssuer(issuer, key, options);
  }

  /** Loads the private JWK from `file`, or generates one and writes it there (mode 0600). */
  static loadOrGenerate(issuer: string, file: string, options: DevTokenIssuerOptions = {}): DevTokenIssuer {
    if (existsSync(file)) return DevTokenIssuer.fromPrivateJwk(issuer, JSON.parse(readFileSync(file, 'utf8')) as JWK, options);
    const created = DevTokenIssuer.generate(issuer, options);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${JSON.stringify(created.exportPrivateJwk())}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process (a second replica) wrote it first: use its key.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return DevTokenIssuer.loadOrGenerate(issuer, file, options);
      throw error;
    }
    return created;
  }

  /** The public key set to pin in the node's config or serve at /.well-known/jwks.json. */
  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk, kid: this.kid, alg: 'EdDSA', use: 'sig' }] };
  }

  /** The private key as a JWK, to store in a key file. */
  exportPrivateJwk(): JWK {
    const jwk = this.privateKey.export({ format: 'jwk' }) as unknown as Ed25519Jwk;
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid: this.kid };
  }

  async mint(options: MintOptions): Promise<string> {
    const ttl = options.ttlSeconds ?? 3600;
    if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_SECONDS) {
      throw new Error(`DevTokenIssuer: ttlSeconds must be an integer between 1 and ${MAX_TTL_SECONDS}`);
    }
    if (!options.subject) throw new Error('DevTokenIssuer: subject is required');
    if (!/^[A-Z]{2,8}$/.test(options.agency)) throw new Error('DevTokenIssuer: agency must be 2 to 8 capital letters');
    if (!options.audience) throw new Error('DevTokenIssuer: audience is required');
    const unknown = options.roles.filter((r) => !isRole(r));
    if (options.roles.length === 0 || unknown.length > 0) {
      throw new Error(`DevTokenIssuer: roles must be a non-empty list of known roles (unknown: ${unknown.join(', ')})`);
    }
    const now = Math.floor((this.options.now ?? Date.now)() / 1000);
    return new SignJWT({ agency: options.agency, roles: [...options.roles] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(options.subject)
      .setAudience(options.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}
