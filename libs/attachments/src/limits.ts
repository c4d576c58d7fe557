/**
 * The attachment format's fixed sizes and the federation's default limits, defined once.
 *
 * Fixed by the protocol (every node must agree, they are part of the format): the plaintext chunk
 * size and the caps that keep an envelope carrying descriptors under its 1 MiB limit. Chosen by a
 * federation (configuration, `attachmentPolicyFromEnv`): the media-type allow-list, the largest
 * attachment and the largest total per notice, at most the protocol caps.
 */

/** Plaintext bytes per chunk; every chunk but the last is exactly this long (256 KiB). */
export const CHUNK_BYTES = 256 * 1024;
/** ChaCha20-Poly1305 tag appended to each encrypted chunk. */
export const TAG_BYTES = 16;
/** Content key length (ChaCha20-Poly1305). */
export const KEY_BYTES = 32;
/** Largest chunk message value: a full chunk and its tag (262,160 bytes, a quarter of the broker's 1 MiB). */
export const MAX_CHUNK_MESSAGE_BYTES = CHUNK_BYTES + TAG_BYTES;

/** Protocol caps: at most 1,024 chunks (256 MiB) per attachment, 2,048 chunks per notice, 32 attachments. */
export const MAX_CHUNKS_PER_ATTACHMENT = 1024;
export const MAX_CHUNKS_PER_NOTICE = 2048;
export const MAX_ATTACHMENTS_PER_NOTICE = 32;
export const MAX_ATTACHMENT_BYTES_PROTOCOL = MAX_CHUNKS_PER_ATTACHMENT * CHUNK_BYTES;
export const MAX_NAME_LENGTH = 255;

/** Federation defaults: 50 MiB per attachment, 100 MiB per notice. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_NOTICE_ATTACHMENT_BYTES = 100 * 1024 * 1024;

/** Chunks of an attachment of `size` bytes: ceil(size / CHUNK_BYTES), and one (empty) for an empty file. */
export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / CHUNK_BYTES));
}

/** Plaintext length of chunk `index` of an attachment of `size` bytes. */
export function chunkPlainLength(size: number, index: number): number {
  const last = chunkCount(size) - 1;
  return index < last ? CHUNK_BYTES : size - last * CHUNK_BYTES;
}
