import { createPublicKey, KeyObject } from 'crypto';
import type { DirectoryKey } from './directory';

/**
 * Directory public keys imported once as node KeyObjects (import is a large part of a signature
 * check or an encryption), keyed by kid and x so that a directory listing a kid with another key
 * cannot reuse an entry.
 */
export class PublicKeyCache {
  readonly #keys = new Map<string, KeyObject>();

  constructor(private readonly limit = 10_000) {}

  get(key: DirectoryKey): KeyObject {
    const id = `${key.kid}.${key.jwk.x}`;
    let hit = this.#keys.get(id);
    if (!hit) {
      if (this.#keys.size >= this.limit) this.#keys.clear();
      hit = createPublicKey({ key: { kty: 'OKP', crv: key.jwk.crv, x: key.jwk.x }, format: 'jwk' });
      this.#keys.set(id, hit);
    }
    return hit;
  }
}
