import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'crypto';
import type { NoticeRow } from './exchange.repository';

/** The row fields a sealed body is bound to: change one in the database and the body no longer opens. */
export type ContentBinding = Pick<
  NoticeRow,
  'id' | 'direction' | 'sender' | 'recipients' | 'kind' | 'priority' | 'handlingCode' | 'handlingRestriction' | 'grades' | 're' | 'issuedAt' | 'expiresAt'
>;

const TAG_BYTES = 16;
const NONCE_BYTES = 12;
/** Version 1 bound only the notice id; still opened, never written. */
const V1 = 1;
const V2 = 2;

/** The associated data of version 2: the binding's fields in a fixed order, so the database's jsonb key order cannot change it. */
function associatedData(n: ContentBinding): Buffer {
  const grades = n.grades === null ? null : [n.grades.source, n.grades.information];
  return Buffer.from(JSON.stringify([
    'liaison-notice-content/v2', n.id, n.direction, n.sender, n.recipients, n.kind, n.priority, n.handlingCode, n.handlingRestriction,
    grades, n.re, n.issuedAt.toISOString(), n.expiresAt.toISOString(),
  ]));
}

/** The stored body does not open under its row's metadata: the row or the body was changed outside the node. */
export class ContentAlteredError extends Error {
  constructor(readonly noticeId: string) {
    super(`the stored content of notice ${noticeId} does not match its metadata`);
    this.name = 'ContentAlteredError';
  }
}

/**
 * Notice bodies are encrypted at rest with AES-256-GCM (16-byte tags, enforced when opening).
 * Keys are derived from the configured secret with HKDF-SHA256 under a label per purpose and
 * version, so the content key is never the key-file KEK itself. Version 2 binds the notice's
 * metadata (sender, handling code, restriction, grades, …) as associated data: a body cannot be
 * moved to another row, nor its handling changed in the database, without failing to open.
 * Layout: version (1) || nonce (12) || tag (16) || ciphertext.
 */
export class ContentCipher {
  private readonly keys: Record<number, Buffer>;

  constructor(secret: Uint8Array) {
    this.keys = {
      [V1]: Buffer.from(hkdfSync('sha256', secret, 'liaison', 'notice-content-at-rest/v1', 32)),
      [V2]: Buffer.from(hkdfSync('sha256', secret, 'liaison/content-at-rest', 'notice-content-at-rest/v2 metadata-bound', 32)),
    };
  }

  seal(notice: ContentBinding, body: unknown): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[V2], nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(notice));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([V2]), nonce, cipher.getAuthTag(), ciphertext]);
  }

  /** Opens a stored body; throws ContentAlteredError when it or its row's metadata was changed. */
  open(notice: ContentBinding, sealed: Buffer): unknown {
    const version = sealed[0];
    if ((version !== V1 && version !== V2) || sealed.length < 1 + NONCE_BYTES + TAG_BYTES) throw new ContentAlteredError(notice.id);
    const decipher = createDecipheriv('aes-256-gcm', this.keys[version], sealed.subarray(1, 1 + NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(version === V1 ? Buffer.from(notice.id) : associatedData(notice));
    decipher.setAuthTag(sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ContentAlteredError(notice.id);
    }
    return JSON.parse(plaintext.toString('utf8'));
  }
}
