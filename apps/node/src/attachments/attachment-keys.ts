import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { KEY_BYTES } from '@liaison/attachments';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/** A wrapped content key no longer opens: the row was changed outside the node. */
export class AttachmentKeyAlteredError extends Error {
  constructor(readonly attachmentId: string) {
    super(`the stored key of attachment ${attachmentId} does not open`);
    this.name = 'AttachmentKeyAlteredError';
  }
}

/**
 * Attachment content keys at rest: AES-256-GCM under a key derived (HKDF, its own label) from the
 * node's content secret, bound to the attachment's (sender, id), so a key cannot be moved to
 * another attachment's row. The chunks themselves stay as they travelled (STREAM ciphertext under
 * the content key): the database holds neither plaintext nor a usable key.
 * Layout: version (1) || nonce (12) || tag (16) || wrapped key (32).
 */
export class AttachmentKeys {
  private readonly kek: Buffer;

  constructor(secret: Uint8Array) {
    this.kek = Buffer.from(hkdfSync('sha256', secret, 'liaison/attachment-keys', 'attachment-key-at-rest/v1', 32));
  }

  wrap(sender: string, id: string, key: Uint8Array): Buffer {
    if (key.byteLength !== KEY_BYTES) throw new RangeError(`content key is not ${KEY_BYTES} bytes`);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.kek, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${sender}/${id}`));
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), wrapped]);
  }

  unwrap(sender: string, id: string, stored: Buffer): Buffer {
    if (stored[0] !== VERSION || stored.length !== 1 + NONCE_BYTES + TAG_BYTES + KEY_BYTES) throw new AttachmentKeyAlteredError(id);
    const decipher = createDecipheriv('aes-256-gcm', this.kek, stored.subarray(1, 1 + NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${sender}/${id}`));
    decipher.setAuthTag(stored.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(stored.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new AttachmentKeyAlteredError(id);
    }
  }
}
