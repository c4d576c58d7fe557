import { checkClaims, NoticeClaims, orderedClaims } from './claims';
import { currentDirectory, Directory, directoryExpired, DirectorySource, encryptionKeyFor, resolveDirectoryKey } from './directory';
import { CodedError, sha256Hex } from './encoding';
import { encryptGeneralJwe, signCompactJws } from './jose-primitives';
import { CONTENT_ENCRYPTION_ALG, SIGNING_ALG } from './jwk';
import type { AgencyKeyring } from './keys';
import { PublicKeyCache } from './key-cache';
import { HEADER_DIGEST, HEADER_MESSAGE_ID, HEADER_RECIPIENT, HEADER_SENDER, INNER_TYP, OUTER_CTY } from './protocol';

/** A sealed notice: the exact Kafka value plus what routing needs. */
export interface SealedEnvelope {
  /** The Kafka message value: the JWE in General JSON serialization, UTF-8. Same for every recipient. */
  value: Buffer;
  /** Lowercase hex SHA-256 of `value`. */
  digest: string;
  /** The `jti` claim. */
  messageId: string;
  /** The recipients (`aud`), in order. */
  recipients: string[];
  /** The Kafka headers of the copy sent to `recipient` (one of `recipients`). */
  headersFor(recipient: string): Record<string, string>;
}

export type SealErrorCode = 'invalid_claims' | 'wrong_sender' | 'no_directory' | 'directory_expired' | 'signing_key_not_valid' | 'no_encryption_key';

/** Why a notice could not be sealed (the caller's mistake or missing trust data). No content in it. */
export class SealError extends CodedError<SealErrorCode> {}

export interface EnvelopeSealerOptions {
  clock?: () => Date;
}

/**
 * Seals notices: an EdDSA compact JWS over the claims, encrypted once (A256GCM) with one
 * ECDH-ES+A256KW recipient entry per addressed agency, keyed to its current X25519 key.
 * Stateless apart from imported keys, so any number of seals may run concurrently.
 */
export class EnvelopeSealer {
  readonly #keys = new PublicKeyCache();
  readonly #clock: () => Date;

  constructor(
    private readonly keyring: AgencyKeyring,
    private readonly directory: DirectorySource,
    options: EnvelopeSealerOptions = {},
  ) {
    this.#clock = options.clock ?? (() => new Date());
  }

  async seal(claims: NoticeClaims): Promise<SealedEnvelope> {
    const reason = checkClaims(claims);
    if (reason) throw new SealError('invalid_claims', reason);
    if (claims.iss !== this.keyring.agency) throw new SealError('wrong_sender', 'iss is not the agency of this keyring');
    const dir: Directory | null = currentDirectory(this.directory);
    if (!dir) throw new SealError('no_directory', 'no verified federation directory');
    const now = this.#clock();
    // Past its expiry the directory may list keys revoked since: fail closed (decision 0008).
    if (directoryExpired(dir, now)) throw new SealError('directory_expired', `directory serial ${dir.serial} expired at ${dir.expires_at}`);
    // Recipients would refuse it anyway; say so here, where the operator can act on it.
    const own = resolveDirectoryKey(dir, this.keyring.signingKid, 'sig', new Date(claims.iat * 1000));
    if (own.status !== 'valid' || own.agency !== claims.iss) {
      throw new SealError('signing_key_not_valid', `signing key ${this.keyring.signingKid} is ${own.status === 'not_valid' ? own.reason : own.status === 'unknown' ? 'not in the directory' : 'of another agency'} as of iat`);
    }
    const recipientKeys = claims.aud.map((agency) => {
      const key = encryptionKeyFor(dir, agency, now);
      if (!key) throw new SealError('no_encryption_key', `no valid encryption key for ${agency} in directory ${dir.serial}`);
      return { kid: key.kid, key: this.#keys.get(key) };
    });

    // Synchronous and short (tens of microseconds): see jose-primitives.ts for why not jose here.
    const payload = Buffer.from(JSON.stringify(orderedClaims(claims)), 'utf8');
    const jws = signCompactJws({ alg: SIGNING_ALG, kid: this.keyring.signingKid, typ: INNER_TYP }, payload, this.keyring.signingPrivateKey);
    const jwe = encryptGeneralJwe(
      Buffer.from(jws, 'ascii'),
      { enc: CONTENT_ENCRYPTION_ALG, cty: OUTER_CTY },
      recipientKeys,
    );
    const value = Buffer.from(JSON.stringify(jwe), 'utf8');
    const digest = sha256Hex(value);
    const recipients = [...claims.aud];
    const sender = claims.iss;
    const messageId = claims.jti;
    return {
      value,
      digest,
      messageId,
      recipients,
      headersFor(recipient: string): Record<string, string> {
        if (!recipients.includes(recipient)) throw new SealError('invalid_claims', 'headers asked for an agency not in aud');
        return {
          [HEADER_MESSAGE_ID]: messageId,
          [HEADER_SENDER]: sender,
          [HEADER_RECIPIENT]: recipient,
          [HEADER_DIGEST]: digest,
        };
      },
    };
  }
}
