import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'crypto';

const VERSION = 1;

/**
 * Notice bodies are encrypted at rest with AES-256-GCM under a key derived (HKDF-SHA256) from the
 * agency's key-encryption key; the notice id is bound as associated data, so a body cannot be
 * moved to another notice's row. Layout: version (1) || nonce (12) || tag (16) || ciphertext.
 */
export class ContentCipher {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'liaison', 'notice-content-at-rest/v1', 32));
  }

  seal(noticeId: string, body: unknown): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(noticeId));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), ciphertext]);
  }

  open(noticeId: string, sealed: Buffer): unknown {
    if (sealed[0] !== VERSION) throw new Error('unknown content encryption version');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(noticeId));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8'));
  }
}
