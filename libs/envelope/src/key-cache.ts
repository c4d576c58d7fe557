import { importJWK } from 'jose';
import type { DirectoryKey } from './directory';
import { KEY_MANAGEMENT_ALG, SIGNING_ALG } from './jwk';

/**
 * Directory public keys imported once as CryptoKeys (import is the slow part of a JOSE operation),
 * keyed by kid and x so that a directory listing a kid with another key cannot reuse an entry.
 */
export class PublicKeyCache {
  readonly #keys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly limit = 10_000) {}

  get(key: DirectoryKey): Promise<CryptoKey> {
    const id = `${key.kid}.${key.jwk.x}`;
    let hit = this.#keys.get(id);
    if (!hit) {
      if (this.#keys.size >= this.limit) this.#keys.clear();
      const alg = key.use === 'sig' ? SIGNING_ALG : KEY_MANAGEMENT_ALG;
      hit = importJWK({ kty: 'OKP', crv: key.jwk.crv, x: key.jwk.x }, alg) as Promise<CryptoKey>;
      this.#keys.set(id, hit);
      hit.catch(() => this.#keys.delete(id));
    }
    return hit;
  }
}
