/**
 * What a receiving node does with one chunk message, and how it decides an attachment is
 * available: pure functions, the node supplies what it has recorded and carries out the effect.
 *
 * A chunk is checked against the descriptor of the signed envelope that declared it, before it is
 * stored: its index is in range, its length is the one its position implies, and its SHA-256 is
 * the one the sender signed. So a chunk of another attachment, a wrong index, a substituted or
 * oversize chunk, or more chunks than declared, are refused on arrival and never displace the
 * genuine chunk, even when they come from another recipient who knows the content key. Once every
 * chunk is recorded, the whole file is decrypted in order (each chunk authenticates only at its
 * index, the last only as last), its SHA-256 compared and its bytes checked against the declared
 * media type; only then is it available.
 */
import { createHash, Hash } from 'node:crypto';
import { isAgencyCode, isUuidV7 } from '@liaison/ids';
import { AttachmentDescriptor, contentKeyOf } from './descriptor';
import { chunkPlainLength, MAX_CHUNK_MESSAGE_BYTES, TAG_BYTES } from './limits';
import { MediaCheck, MediaRule } from './media';
import { AttachmentPolicy, checkAttachmentAllowed, mediaRule } from './policy';
import { openChunk } from './stream';

/** Kafka header names of a chunk message (values are UTF-8 strings). */
export const HEADER_CHUNK_SENDER = 'liaison-sender';
export const HEADER_CHUNK_RECIPIENT = 'liaison-recipient';
export const HEADER_CHUNK_NOTICE = 'liaison-message-id';
export const HEADER_CHUNK_ATTACHMENT = 'liaison-attachment';
export const HEADER_CHUNK_INDEX = 'liaison-chunk';

/** Every reason a chunk or an attachment is refused. */
export const ChunkRefusalCode = [
  'malformed_chunk',
  'not_addressed',
  'unknown_attachment',
  'index_out_of_range',
  'oversize_chunk',
  'wrong_chunk_length',
  'chunk_digest_mismatch',
  'not_allowed',
  'incomplete',
  'decryption_failed',
  'digest_mismatch',
  'media_type_mismatch',
  'stalled',
] as const;
export type ChunkRefusalCode = (typeof ChunkRefusalCode)[number];

export interface ChunkAddress {
  sender: string;
  recipient: string;
  /** The message id of the notice that declared the attachment. */
  notice: string;
  attachment: string;
  index: number;
}

export type Refusal = { ok: false; code: ChunkRefusalCode; detail: string };
const refuse = (code: ChunkRefusalCode, detail: string): Refusal => ({ ok: false, code, detail });

/** Reads a chunk message's headers; a missing or malformed one is `malformed_chunk`. */
export function parseChunkHeaders(headers: Record<string, string | undefined>): { ok: true; address: ChunkAddress } | Refusal {
  const sender = headers[HEADER_CHUNK_SENDER];
  const recipient = headers[HEADER_CHUNK_RECIPIENT];
  const notice = headers[HEADER_CHUNK_NOTICE];
  const attachment = headers[HEADER_CHUNK_ATTACHMENT];
  const index = headers[HEADER_CHUNK_INDEX];
  if (!isAgencyCode(sender) || !isAgencyCode(recipient)) return refuse('malformed_chunk', `${HEADER_CHUNK_SENDER}/${HEADER_CHUNK_RECIPIENT} are not agency codes`);
  if (!isUuidV7(notice) || !isUuidV7(attachment)) return refuse('malformed_chunk', `${HEADER_CHUNK_NOTICE}/${HEADER_CHUNK_ATTACHMENT} are not lowercase UUIDv7`);
  if (typeof index !== 'string' || !/^(0|[1-9]\d{0,5})$/.test(index)) return refuse('malformed_chunk', `${HEADER_CHUNK_INDEX} is not a decimal chunk index`);
  return { ok: true, address: { sender, recipient, notice, attachment, index: Number(index) } };
}

/** The headers of a chunk message, as the sender sets them (the inverse of {@link parseChunkHeaders}). */
export function chunkHeaders(a: ChunkAddress): Record<string, string> {
  return {
    [HEADER_CHUNK_SENDER]: a.sender,
    [HEADER_CHUNK_RECIPIENT]: a.recipient,
    [HEADER_CHUNK_NOTICE]: a.notice,
    [HEADER_CHUNK_ATTACHMENT]: a.attachment,
    [HEADER_CHUNK_INDEX]: String(a.index),
  };
}

/** The Kafka message key of a chunk: all chunks of one attachment share a partition, in order. */
export function chunkMessageKey(sender: string, attachment: string): string {
  return `${sender}/${attachment}`;
}

/** What the receiver knows of the attachment a chunk names: the signed descriptor and its notice. */
export interface DeclaredAttachment {
  notice: string;
  sender: string;
  descriptor: AttachmentDescriptor;
}

export type ChunkDecision =
  /** New and as declared: store it (ciphertext as is), keyed (sender, attachment, index). */
  | { ok: true; effect: 'record' }
  /** The same chunk again (an outbox republish after a crash): nothing changes. */
  | { ok: true; effect: 'redelivered' }
  /** No envelope declared it yet (the chunk overtook its envelope, or is hostile): keep it aside until one does or the stall timeout passes. */
  | { ok: true; effect: 'hold' }
  | Refusal;

/**
 * Decides one chunk message. `declared` is the attachment (sender, id) as a received envelope
 * declared it to this agency, or undefined; `recorded` the SHA-256 of the chunk already recorded
 * at this index, if any.
 */
export function decideChunk(input: {
  self: string;
  address: ChunkAddress;
  /** The message value's length and SHA-256 (lowercase hex). */
  length: number;
  digest: string;
  declared?: DeclaredAttachment;
  recorded?: string;
}): ChunkDecision {
  const { self, address: a, declared } = input;
  if (a.recipient !== self) return refuse('not_addressed', `chunk for ${a.recipient} read by ${self}`);
  if (input.length > MAX_CHUNK_MESSAGE_BYTES) return refuse('oversize_chunk', `chunk of ${input.length} bytes, at most ${MAX_CHUNK_MESSAGE_BYTES}`);
  if (!declared) return { ok: true, effect: 'hold' };
  const d = declared.descriptor;
  if (declared.sender !== a.sender || declared.notice !== a.notice) return refuse('unknown_attachment', 'the attachment was not declared by that notice of that sender');
  if (a.index >= d.chunks) return refuse('index_out_of_range', `chunk ${a.index} of an attachment of ${d.chunks} chunks`);
  const expected = chunkPlainLength(d.size, a.index) + TAG_BYTES;
  if (input.length !== expected) return refuse('wrong_chunk_length', `chunk ${a.index} is ${input.length} bytes, expected ${expected}`);
  if (input.digest !== d.chunk_sha256[a.index]) return refuse('chunk_digest_mismatch', `chunk ${a.index} is not the one the sender signed`);
  if (input.recorded !== undefined) return { ok: true, effect: 'redelivered' };
  return { ok: true, effect: 'record' };
}

/** True when an incomplete attachment has had no new chunk for `timeoutMs`. */
export function isStalled(lastProgress: Date, now: Date, timeoutMs: number): boolean {
  return now.getTime() - lastProgress.getTime() >= timeoutMs;
}

/**
 * Opens a complete attachment chunk by chunk, in index order, yielding the plaintext of each;
 * `finish` says whether the whole file is what the sender signed and of its declared type. Holds
 * one chunk at a time. Used on arrival (to decide availability) and to serve a download.
 */
export class AttachmentOpener {
  private next = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly media: MediaCheck;
  private failure: Refusal | null = null;
  private readonly key: Buffer;

  constructor(
    private readonly d: AttachmentDescriptor,
    policy: AttachmentPolicy,
  ) {
    this.key = contentKeyOf(d);
    const rule: MediaRule | undefined = mediaRule(policy, d.type);
    const allowed = checkAttachmentAllowed(policy, d.type, d.size);
    if (allowed || !rule) this.failure = refuse('not_allowed', allowed ?? 'media type not allowed');
    this.media = new MediaCheck(rule ?? { type: d.type }, policy.media);
  }

  /** The plaintext of the next chunk, or a refusal (and every later call returns it too). */
  push(sealed: Uint8Array): { ok: true; plaintext: Buffer } | Refusal {
    if (this.failure) return this.failure;
    const index = this.next++;
    if (index >= this.d.chunks) return (this.failure = refuse('index_out_of_range', `chunk ${index} of ${this.d.chunks}`));
    const plaintext = openChunk(this.key, this.d.id, index, index === this.d.chunks - 1, sealed);
    if (!plaintext) return (this.failure = refuse('decryption_failed', `chunk ${index} does not authenticate`));
    this.hash.update(plaintext);
    const media = this.media.update(plaintext);
    if (media) return (this.failure = refuse('media_type_mismatch', media));
    return { ok: true, plaintext };
  }

  /** How many chunks were pushed: the index of the next one. */
  get opened(): number {
    return this.next;
  }

  finish(): { ok: true } | Refusal {
    if (this.failure) return this.failure;
    if (this.next !== this.d.chunks) return (this.failure = refuse('incomplete', `stream ends after ${this.next} of ${this.d.chunks} chunks`));
    if (this.hash.digest('hex') !== this.d.sha256) return (this.failure = refuse('digest_mismatch', 'the file is not the one the sender signed'));
    const media = this.media.finish();
    return media ? (this.failure = refuse('media_type_mismatch', media)) : { ok: true };
  }
}
