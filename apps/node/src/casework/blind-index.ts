import { createHmac, hkdfSync } from 'crypto';
import { indexTerm } from '@liaison/selectors';

/**
 * The blind index: HMAC-SHA-256 of each normalised term (`indexTerm(kind, value)`) under a key
 * derived with HKDF-SHA256 from the node's blind-index secret (LIAISON_BLIND_INDEX_KEY, by
 * default the at-rest secret LIAISON_CONTENT_KEY, as ContentCipher), under its own label, so it
 * is neither the content key nor the key-file KEK. The key stays in the node's memory; the
 * database holds only the 32-byte hashes, so a reader of the database learns which notices share
 * a term, never the term — unless it can guess a term and has the key.
 */
export class BlindIndex {
  private readonly key: Buffer;
  /**
   * Names the key without revealing it (HMAC of a fixed label, 8 bytes): stored with each notice
   * indexed, so that after a change of key the indexer finds the notices hashed under another
   * one and indexes them again.
   */
  readonly keyId: Buffer;

  constructor(secret: Uint8Array) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'liaison/blind-index', 'notice-terms/v1 hmac-sha256', 32));
    this.keyId = createHmac('sha256', this.key).update('liaison/blind-index key id').digest().subarray(0, 8);
  }

  hash(kind: string, normalised: string): Buffer {
    return createHmac('sha256', this.key).update(indexTerm(kind, normalised), 'utf8').digest();
  }
}
