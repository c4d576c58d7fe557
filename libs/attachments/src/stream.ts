/**
 * The STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption
 * and its Nonce-Reuse Misuse-Resistance", 2015) as age uses it, over ChaCha20-Poly1305 (RFC 8439)
 * from Node's crypto:
 *
 *   nonce(i) = 11-byte big-endian i ‖ (0x01 if i is the last chunk else 0x00)
 *   aad      = ASCII "liaison/attachment/v1/" ‖ attachment id
 *   chunk i  = ChaCha20-Poly1305(key, nonce(i), plaintext[i·C, (i+1)·C), aad) ‖ 16-byte tag
 *
 * A chunk opens only at its own index, with its own final flag, under its own attachment's key
 * and id: a reordered, duplicated-at-another-index, substituted or other attachment's chunk, and a
 * stream cut short (a non-final chunk opened as the last), all fail authentication.
 */
import { createCipheriv, createDecipheriv, createHash, Hash } from 'node:crypto';
import { CHUNK_BYTES, chunkCount, KEY_BYTES, TAG_BYTES } from './limits';

const ALGORITHM = 'chacha20-poly1305';
const AAD_PREFIX = 'liaison/attachment/v1/';

/** The 12 nonce bytes of chunk `index`: an 11-byte big-endian counter and the final flag. */
export function chunkNonce(index: number, final: boolean): Buffer {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('chunk index is not a non-negative integer');
  const nonce = Buffer.alloc(12);
  let rest = index;
  for (let i = 10; i >= 0 && rest > 0; i--) {
    nonce[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  nonce[11] = final ? 1 : 0;
  return nonce;
}

export function chunkAad(attachmentId: string): Buffer {
  return Buffer.from(AAD_PREFIX + attachmentId, 'ascii');
}

function checkKey(key: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) throw new RangeError(`content key is not ${KEY_BYTES} bytes`);
}

/** Encrypts one chunk. */
export function sealChunk(key: Uint8Array, attachmentId: string, index: number, final: boolean, plaintext: Uint8Array): Buffer {
  checkKey(key);
  const cipher = createCipheriv(ALGORITHM, key, chunkNonce(index, final), { authTagLength: TAG_BYTES });
  cipher.setAAD(chunkAad(attachmentId), { plaintextLength: plaintext.byteLength });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Decrypts one chunk, or returns null when it does not authenticate at this index and flag. */
export function openChunk(key: Uint8Array, attachmentId: string, index: number, final: boolean, sealed: Uint8Array): Buffer | null {
  checkKey(key);
  if (sealed.byteLength < TAG_BYTES) return null;
  const body = sealed.subarray(0, sealed.byteLength - TAG_BYTES);
  const tag = sealed.subarray(sealed.byteLength - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, chunkNonce(index, final), { authTagLength: TAG_BYTES });
  decipher.setAAD(chunkAad(attachmentId), { plaintextLength: body.byteLength });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

/** What an encryption produced, besides the chunks: the descriptor's measured members. */
export interface SealedSummary {
  size: number;
  /** SHA-256 of the plaintext, lowercase hex. */
  sha256: string;
  chunks: number;
  /** SHA-256 of each encrypted chunk, lowercase hex, in index order. */
  chunk_sha256: string[];
}

/**
 * Encrypts a file as it streams in: `push` returns the chunks that are complete (a chunk is sealed
 * only once a byte beyond it arrived, so that its final flag is known), `finish` the last one and
 * the summary. Holds at most one chunk of plaintext.
 */
export class AttachmentSealer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private size = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly chunkDigests: string[] = [];
  private finished = false;

  constructor(
    private readonly key: Uint8Array,
    private readonly attachmentId: string,
  ) {
    checkKey(key);
  }

  push(bytes: Uint8Array): Buffer[] {
    if (this.finished) throw new Error('attachment sealer already finished');
    this.hash.update(bytes);
    this.size += bytes.byteLength;
    this.pending.push(Buffer.from(bytes)); // a copy: the caller may reuse its buffer
    this.pendingBytes += bytes.byteLength;
    const out: Buffer[] = [];
    if (this.pendingBytes <= CHUNK_BYTES) return out;
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    let at = 0;
    while (all.byteLength - at > CHUNK_BYTES) {
      out.push(this.seal(all.subarray(at, at + CHUNK_BYTES), false));
      at += CHUNK_BYTES;
    }
    const rest = Buffer.from(all.subarray(at)); // a copy, so the large buffer is not retained
    this.pending = [rest];
    this.pendingBytes = rest.byteLength;
    return out;
  }

  finish(): { last: Buffer; summary: SealedSummary } {
    if (this.finished) throw new Error('attachment sealer already finished');
    this.finished = true;
    const last = this.seal(Buffer.concat(this.pending), true);
    this.pending = [];
    const summary = { size: this.size, sha256: this.hash.digest('hex'), chunks: this.index, chunk_sha256: this.chunkDigests };
    if (summary.chunks !== chunkCount(summary.size)) throw new Error('chunking invariant broken');
    return { last, summary };
  }

  private seal(plaintext: Buffer, final: boolean): Buffer {
    const sealed = sealChunk(this.key, this.attachmentId, this.index++, final, plaintext);
    this.chunkDigests.push(createHash('sha256').update(sealed).digest('hex'));
    return sealed;
  }
}
