/**
 * The identity provider's JWKS, fetched over HTTP and kept: an outage of the provider must not
 * stop the node (brief, complaint 4), so requests are served from the last key set that was
 * fetched, refreshed in the background, for up to `maxStaleMs`. jose's createRemoteJWKSet
 * instead blocks each request on a refetch once its cache is old, and fails when the refetch
 * fails; this wraps jose's createLocalJWKSet (which does all key selection and import) instead.
 *
 * A token whose kid is not in the set triggers one refetch (key rotation), at most once per
 * `cooldownMs`.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';

export interface RemoteKeySetOptions {
  /** Per request (default 5 s). */
  timeoutMs?: number;
  /** Refresh in the background when the set is older than this (default 10 min). */
  refreshMs?: number;
  /** Refuse to use a set older than this while refreshes keep failing (default 24 h). */
  maxStaleMs?: number;
  /** Minimum time between two fetches (default 30 s). */
  cooldownMs?: number;
  /** At most this many bytes of JWKS (default 256 KiB). */
  maxBytes?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface KeySetStatus {
  url: string;
  /** When the key set in use was fetched (undefined: never). */
  fetchedAt?: Date;
  /** The last fetch failed; the node works on the previous key set. */
  lastError?: string;
}

/** Thrown when no usable key set can be had; TokenVerifier reports `jwks_unavailable`. */
export class JwksUnavailableError extends Error {
  readonly code = 'ERR_LIAISON_JWKS_UNAVAILABLE';
  override readonly name = 'JwksUnavailableError';
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

export class RemoteKeySet {
  private current?: { keys: LocalSet; fetchedAt: number };
  private pending?: Promise<void>;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastError?: string;
  private readonly o: Required<Omit<RemoteKeySetOptions, 'fetch' | 'now'>> & { fetch: typeof fetch; now: () => number };

  constructor(
    readonly url: URL,
    options: RemoteKeySetOptions = {},
  ) {
    this.o = {
      timeoutMs: options.timeoutMs ?? 5000,
      refreshMs: options.refreshMs ?? 600_000,
      maxStaleMs: options.maxStaleMs ?? 86_400_000,
      cooldownMs: options.cooldownMs ?? 30_000,
      maxBytes: options.maxBytes ?? 256 * 1024,
      fetch: options.fetch ?? fetch,
      now: options.now ?? Date.now,
    };
  }

  /** A key resolver for jose's jwtVerify. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const now = this.o.now();
    if (!this.current) {
      await this.refresh(true);
    } else if (now - this.current.fetchedAt > this.o.refreshMs) {
      this.refresh(false).catch(() => undefined); // background: keep serving the set we have
    }
    const current = this.current;
    if (!current) throw new JwksUnavailableError("the identity provider's key set could not be fetched");
    if (now - current.fetchedAt > this.o.maxStaleMs) {
      throw new JwksUnavailableError("the identity provider's key set is too old and cannot be refreshed");
    }
    try {
      return await current.keys(header, token);
    } catch (error) {
      // Unknown kid: the provider may have rotated its keys.
      if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || now - this.lastAttempt < this.o.cooldownMs) throw error;
      await this.refresh(true).catch(() => undefined);
      return (this.current ?? current).keys(header, token);
    }
  };

  status(): KeySetStatus {
    return {
      url: this.url.toString(),
      fetchedAt: this.current ? new Date(this.current.fetchedAt) : undefined,
      lastError: this.lastError,
    };
  }

  /** Fetches the set (one fetch at a time, at most one per cooldown). */
  private refresh(waitForPending: boolean): Promise<void> {
    if (this.pending) return waitForPending ? this.pending : Promise.resolve();
    if (this.o.now() - this.lastAttempt < this.o.cooldownMs) {
      return Promise.reject(new JwksUnavailableError('the key set was fetched or tried moments ago'));
    }
    this.lastAttempt = this.o.now();
    this.pending = this.fetchSet()
      .then((jwks) => {
        this.current = { keys: createLocalJWKSet(jwks), fetchedAt: this.o.now() };
        this.lastError = undefined;
      })
      .catch((error: unknown) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        throw new JwksUnavailableError(`the identity provider's key set could not be fetched: ${this.lastError}`);
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private async fetchSet(): Promise<JSONWebKeySet> {
    const res = await this.o.fetch(this.url, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      signal: AbortSignal.timeout(this.o.timeoutMs),
      // The configured URL is the trust anchor: a redirect could send the node to keys anyone serves.
      redirect: 'manual',
    });
    if (res.status >= 300 && res.status < 400) throw new Error(`HTTP ${res.status}: the key set URL redirects, and redirects are refused`);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > this.o.maxBytes) throw new Error('key set too large');
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > this.o.maxBytes) throw new Error('key set too large');
    const jwks = JSON.parse(body.toString('utf8')) as JSONWebKeySet;
    createLocalJWKSet(jwks); // validates the shape before it replaces the set in use
    return jwks;
  }
}
