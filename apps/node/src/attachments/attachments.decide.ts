// What the attachments feature decides, as plain functions: the checks of an upload's request,
// the descriptors a notice carries, the transfers and ledger entries of a send, and which chunks
// serve a byte range. No database, broker or clock here.
import { AttachmentDescriptor, AttachmentPolicy, CHUNK_BYTES, ChunkRefusalCode, MAX_CHUNKS_PER_NOTICE, MEDIA_TYPE, checkAttachmentAllowed } from '@liaison/attachments';
import { AttachmentReceiptBody, checkAttachmentReferences } from '@liaison/notices';
import type { EnvelopeDraft } from '../exchange/dispatcher';
import { replyDraft } from '../exchange/envelope-records';
import type { LedgerEventInput } from '../ledger/ledger.port';
import type { AttachmentRow, TransferRow } from './attachments.repository';

/** A refusal of an upload or of a send: HTTP status, stable code and a detail naming what was wrong. */
export type UploadRefusal = { status: number; code: string; field: string; message: string };

/**
 * The declared media type of an upload, from its Content-Type header: lowercase, without
 * parameters (a `charset` is accepted for text and dropped: text attachments must be UTF-8).
 */
export function uploadMediaType(contentType: string | undefined, policy: AttachmentPolicy, contentLength: number | null): { ok: true; type: string } | { ok: false; refusal: UploadRefusal } {
  const [raw, ...params] = (contentType ?? '').split(';').map((p) => p.trim());
  const type = raw.toLowerCase();
  if (!MEDIA_TYPE.test(type)) return { ok: false, refusal: { status: 415, code: 'unsupported_media_type', field: 'Content-Type', message: 'must be the media type of the file, e.g. image/jpeg' } };
  if (params.some((p) => !/^charset=("?)utf-8\1$/i.test(p))) return { ok: false, refusal: { status: 415, code: 'unsupported_media_type', field: 'Content-Type', message: 'takes no parameters other than charset=utf-8' } };
  if (contentLength !== null && contentLength > policy.maxAttachmentBytes) {
    return { ok: false, refusal: { status: 413, code: 'too_large', field: 'Content-Length', message: `an attachment is at most ${policy.maxAttachmentBytes} bytes` } };
  }
  const refused = checkAttachmentAllowed(policy, type, 0);
  if (refused) return { ok: false, refusal: { status: 415, code: 'unsupported_media_type', field: 'Content-Type', message: refused } };
  return { ok: true, type };
}

/** The descriptor of a stored attachment, with its content key (only ever put into a sealed envelope). */
export function descriptorOf(row: AttachmentRow, key: Buffer): AttachmentDescriptor {
  return {
    id: row.id, ...(row.name ? { name: row.name } : {}), type: row.type, size: row.size, sha256: row.sha256,
    key: key.toString('base64url'), chunks: row.chunks, chunk_sha256: row.chunkSha256,
  };
}

/**
 * Checks that a notice may carry the uploads it names: each one is this operator's, uploaded
 * and not yet sent; the body's references (a photo) name them; the federation's limits hold.
 * Returns the refusal naming the first problem, or null.
 */
export function checkNoticeAttachments(
  ids: string[],
  rows: AttachmentRow[],
  subject: string,
  body: unknown,
  policy: AttachmentPolicy,
  at: string,
): UploadRefusal | null {
  for (const [i, id] of ids.entries()) {
    const row = rows.find((r) => r.id === id);
    const field = `${at}/attachments/${i}`;
    if (!row || row.createdBy !== subject || row.status === 'uploading') return { status: 400, code: 'invalid_request', field, message: `is not an attachment you uploaded (${id})` };
    if (row.status !== 'uploaded') return { status: 409, code: 'attachment_already_sent', field, message: `attachment ${id} was already sent with another notice; upload it again` };
  }
  const declared = ids.map((id) => rows.find((r) => r.id === id) as AttachmentRow);
  const total = declared.reduce((sum, r) => sum + r.size, 0);
  if (total > policy.maxNoticeBytes) return { status: 413, code: 'too_large', field: `${at}/attachments`, message: `the attachments are larger than ${policy.maxNoticeBytes} bytes in all` };
  const references = checkAttachmentReferences(body, declared);
  if (references) return { status: 400, code: 'invalid_request', field: `${at}/body`, message: references };
  return null;
}

/** The chunk outbox of a sent notice: one transfer per (attachment, recipient). */
export function transfersOf(noticeId: string, recipients: string[], att: AttachmentDescriptor[], now: Date): TransferRow[] {
  return att.flatMap((d) => recipients.map((recipient) => ({
    attachmentId: d.id, recipient, noticeId, nextChunk: 0, chunks: d.chunks, status: 'sending' as const, statusCode: null, createdAt: now, updatedAt: now, deliveredAt: null,
  })));
}

/** One ledger entry per attachment of a sent notice: its id, notice, media type, size and SHA-256 (never name, key or content). */
export function sentAttachmentEntries(noticeId: string, att: AttachmentDescriptor[], actor: string | null): LedgerEventInput[] {
  return att.map((d) => ({
    event: 'attachment-sent', messageId: d.id, kind: d.type, counterpart: null, channel: null, digest: d.sha256, re: noticeId, actor, reason: `${d.size} bytes`,
  }));
}

/** A single byte range of a file of `size` bytes, from a Range header; null = the whole file, 'unsatisfiable' = 416. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // not a single range we serve: the whole file (RFC 9110 §14.2 allows ignoring)
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** The chunks that hold bytes [start, end] and where in the first one the range begins. */
export function chunksOfRange(range: { start: number; end: number }): { first: number; last: number; skip: number } {
  return { first: Math.floor(range.start / CHUNK_BYTES), last: Math.floor(range.end / CHUNK_BYTES), skip: range.start % CHUNK_BYTES };
}

/** Chunks one sender may have waiting for their envelope (the most one notice can carry): beyond, they are refused. */
export const HELD_CHUNKS_PER_SENDER = MAX_CHUNKS_PER_NOTICE;

/** The rows of the attachments a received notice declares: pending, or refused at once when the federation's policy does not allow them. */
export function declaredRows(sender: string, noticeId: string, att: AttachmentDescriptor[], wrap: (d: AttachmentDescriptor) => Buffer, refused: string | null, now: Date): AttachmentRow[] {
  return att.map((d) => ({
    sender, id: d.id, direction: 'inbound', noticeId, name: d.name ?? null, type: d.type, size: d.size, sha256: d.sha256, chunks: d.chunks, chunkSha256: d.chunk_sha256,
    wrappedKey: wrap(d), status: refused ? 'refused' : 'pending', statusCode: refused ? 'not_allowed' : null, statusDetail: refused, chunksRecorded: 0,
    createdBy: null, createdAt: now, progressAt: now, completedAt: null,
  }));
}

/** The ledger entry of how a received attachment ended (facts of the signed descriptor; `reason` its size, or why it was refused). */
export function arrivalEntry(row: AttachmentRow, event: 'attachment-received' | 'attachment-refused', refusal: string | null): LedgerEventInput {
  return {
    event, messageId: row.id, kind: row.type, counterpart: row.sender, channel: null, digest: row.sha256, re: row.noticeId, actor: null,
    reason: refusal ? refusal.slice(0, 500) : `${row.size} bytes`,
  };
}

/** The ledger entry of a refused chunk: the attachment it named, the chunk's SHA-256, why. */
export function refusedChunkEntry(claimedSender: string | null, attachmentId: string | null, digest: string, code: string, detail: string): LedgerEventInput {
  return { event: 'rejected', messageId: attachmentId, kind: 'attachment-chunk', counterpart: claimedSender, channel: null, digest, re: null, actor: null, reason: `${code}: ${detail}`.slice(0, 500) };
}

/** A signed attachment receipt from this agency to the sender of a notice: how each of its attachments arrived. */
export function attachmentReceiptDraft(
  me: string,
  sender: string,
  noticeId: string,
  items: { id: string; status: AttachmentReceiptBody['attachments'][number]['status']; code?: ChunkRefusalCode }[],
  now: Date,
): EnvelopeDraft {
  const body: AttachmentReceiptBody = { attachments: items.map((i) => ({ ...i, at: now.toISOString() })) };
  return replyDraft(me, { id: noticeId, sender, expiresAt: now, priority: 'normal' }, 'attachment-receipt', body, { code: 'H0' }, now);
}

/**
 * What an attachment receipt from `recipient` does to our transfers: each listed attachment of
 * the notice `re` becomes delivered (verified whole there) or failed (refused or stalled).
 */
export function transferOutcomes(body: AttachmentReceiptBody): { id: string; status: 'delivered' | 'failed'; code: string | null }[] {
  return body.attachments.map((a) => ({ id: a.id, status: a.status === 'available' ? 'delivered' : 'failed', code: a.status === 'available' ? null : (a.code ?? a.status) }));
}

/** The sender's ledger entry when a recipient said how one of our attachments arrived. */
export function deliveryEntry(row: AttachmentRow, recipient: string, receiptId: string, outcome: { status: 'delivered' | 'failed'; code: string | null }): LedgerEventInput {
  return {
    event: outcome.status === 'delivered' ? 'attachment-delivered' : 'attachment-refused', messageId: row.id, kind: row.type, counterpart: recipient, channel: null,
    digest: row.sha256, re: row.noticeId, actor: null, reason: outcome.status === 'delivered' ? `${row.size} bytes` : `${outcome.code}: reported by ${recipient} in ${receiptId}`,
  };
}
