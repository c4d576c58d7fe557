import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const derive = (secret: Uint8Array, label: string) => Buffer.from(hkdfSync('sha256', secret, 'liaison/match-at-rest', label, 32));

/**
 * The private match's secrets at rest, each derived from the node's content secret with HKDF-SHA256
 * under its own label (as ContentCipher derives the notice key): the key that wraps the OPRF private
 * key, the key that seals each indexed value, the key of the digest an entry is found by (so a
 * removal finds its row without the database holding the value in clear), and the requester's key
 * that seals a check's blind state until its answer arrives. AES-256-GCM; layout
 * nonce (12) || tag (16) || ciphertext; the associated data binds each ciphertext to its row.
 */
export class MatchSecrets {
  private readonly wrapKey: Buffer;
  private readonly valueKey: Buffer;
  private readonly lookupKey: Buffer;
  private readonly blindKey: Buffer;

  constructor(secret: Uint8Array) {
    this.wrapKey = derive(secret, 'oprf-key-wrap/v1');
    this.valueKey = derive(secret, 'index-value/v1');
    this.lookupKey = derive(secret, 'index-lookup/v1');
    this.blindKey = derive(secret, 'blind-state/v1');
  }

  /** A requester's blind state (it holds the values checked), sealed to its request until the answer. */
  sealBlindState(requestId: string, state: Uint8Array): Buffer {
    return seal(this.blindKey, Buffer.from(`blind-state ${requestId}`), Buffer.from(state));
  }

  openBlindState(requestId: string, sealed: Buffer): Uint8Array {
    return new Uint8Array(open(this.blindKey, Buffer.from(`blind-state ${requestId}`), sealed));
  }

  /** The digest an indexed value is found by: HMAC-SHA256 of its canonical text. */
  lookup(canonical: string): Buffer {
    return createHmac('sha256', this.lookupKey).update(canonical, 'utf8').digest();
  }

  wrapPrivateKey(keyId: string, privateKey: Uint8Array): Buffer {
    return seal(this.wrapKey, Buffer.from(`oprf-key ${keyId}`), Buffer.from(privateKey));
  }

  unwrapPrivateKey(keyId: string, sealed: Buffer): Uint8Array {
    return new Uint8Array(open(this.wrapKey, Buffer.from(`oprf-key ${keyId}`), sealed));
  }

  sealValue(lookup: Buffer, canonical: string): Buffer {
    return seal(this.valueKey, lookup, Buffer.from(canonical, 'utf8'));
  }

  openValue(lookup: Buffer, sealed: Buffer): string {
    return open(this.valueKey, lookup, sealed).toString('utf8');
  }
}

function seal(key: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
}

function open(key: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
}
