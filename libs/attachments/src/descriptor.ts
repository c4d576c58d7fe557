/**
 * The attachment descriptor: what the signed envelope says about each attachment (claim `att`).
 * The envelope is signed by the sender and encrypted to each recipient, so the content key it
 * carries is wrapped per recipient exactly like the body, and the digests it carries bind every
 * chunk and the whole file to the sender's signature.
 */
import { isUuidV7 } from '@liaison/ids';
import { chunkCount, KEY_BYTES, MAX_ATTACHMENTS_PER_NOTICE, MAX_ATTACHMENT_BYTES_PROTOCOL, MAX_CHUNKS_PER_NOTICE, MAX_NAME_LENGTH } from './limits';
import { MEDIA_TYPE } from './media';

export interface AttachmentDescriptor {
  /** The attachment id: a UUIDv7 chosen by the sender, unique among the sender's attachments. */
  id: string;
  /** The file name the sender gave it (shown and offered on download, never used as a path). */
  name?: string;
  /** Declared media type, lowercase, no parameters. */
  type: string;
  /** Plaintext size in bytes. */
  size: number;
  /** SHA-256 of the plaintext, lowercase hex. */
  sha256: string;
  /** The content key: 32 bytes, base64url without padding. */
  key: string;
  /** Number of chunks: ceil(size / 262144), and 1 for an empty file. */
  chunks: number;
  /** SHA-256 of each encrypted chunk (as it travels), lowercase hex, in index order. */
  chunk_sha256: string[];
}

/** Member names in the order they are serialised. */
export const DESCRIPTOR_ORDER = ['id', 'name', 'type', 'size', 'sha256', 'key', 'chunks', 'chunk_sha256'] as const;

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_B64U = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/; // 43 characters of canonical base64url = 32 bytes
/** A file name: no control characters, no bidi overrides, no path separators, not "." or "..". */
// eslint-disable-next-line no-control-regex
const NAME = /^(?!\.{1,2}$)[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF/\\]+$/u;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the shape of a claim `att`: a list of descriptors, each self-consistent (its chunk count
 * follows from its size, one chunk digest per chunk), ids unique, within the protocol's caps.
 * Returns null when well-formed, otherwise a reason naming the member, never a value.
 */
export function checkAttachments(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ATTACHMENTS_PER_NOTICE) return `att is not a list of 1..${MAX_ATTACHMENTS_PER_NOTICE} attachments`;
  const ids = new Set<string>();
  let chunks = 0;
  for (const [i, d] of value.entries()) {
    const where = `att[${i}]`;
    if (!isObject(d)) return `${where} is not an object`;
    if (Object.keys(d).some((k) => !(DESCRIPTOR_ORDER as readonly string[]).includes(k))) return `${where} has unknown members`;
    if (!isUuidV7(d.id)) return `${where}.id is not a lowercase UUIDv7`;
    if (ids.has(d.id)) return `${where}.id is repeated`;
    ids.add(d.id);
    if (d.name !== undefined && (typeof d.name !== 'string' || d.name.length > MAX_NAME_LENGTH || !NAME.test(d.name))) return `${where}.name is not a file name of 1..${MAX_NAME_LENGTH} characters`;
    if (typeof d.type !== 'string' || !MEDIA_TYPE.test(d.type)) return `${where}.type is not a lowercase media type`;
    if (!Number.isSafeInteger(d.size) || (d.size as number) < 0 || (d.size as number) > MAX_ATTACHMENT_BYTES_PROTOCOL) return `${where}.size is not 0..${MAX_ATTACHMENT_BYTES_PROTOCOL}`;
    if (typeof d.sha256 !== 'string' || !HEX64.test(d.sha256)) return `${where}.sha256 is not lowercase hex SHA-256`;
    if (typeof d.key !== 'string' || !KEY_B64U.test(d.key) || Buffer.from(d.key, 'base64url').length !== KEY_BYTES) return `${where}.key is not ${KEY_BYTES} bytes of base64url`;
    if (d.chunks !== chunkCount(d.size as number)) return `${where}.chunks does not follow from size`;
    if (!Array.isArray(d.chunk_sha256) || d.chunk_sha256.length !== d.chunks || !d.chunk_sha256.every((h) => typeof h === 'string' && HEX64.test(h))) {
      return `${where}.chunk_sha256 is not one lowercase hex SHA-256 per chunk`;
    }
    chunks += d.chunks as number;
  }
  if (chunks > MAX_CHUNKS_PER_NOTICE) return `att has more than ${MAX_CHUNKS_PER_NOTICE} chunks in all`;
  return null;
}

/** The descriptor with members in {@link DESCRIPTOR_ORDER}, `name` left out when undefined. */
export function orderedDescriptor(d: AttachmentDescriptor): AttachmentDescriptor {
  const out: Record<string, unknown> = {};
  for (const name of DESCRIPTOR_ORDER) if (d[name] !== undefined) out[name] = d[name];
  return out as unknown as AttachmentDescriptor;
}

/** The content key's bytes. */
export function contentKeyOf(d: AttachmentDescriptor): Buffer {
  return Buffer.from(d.key, 'base64url');
}

/** What a ledger may record of an attachment: never its key, name or content. */
export interface AttachmentFacts {
  id: string;
  type: string;
  size: number;
  sha256: string;
}

export function attachmentFacts(d: AttachmentDescriptor): AttachmentFacts {
  return { id: d.id, type: d.type, size: d.size, sha256: d.sha256 };
}
