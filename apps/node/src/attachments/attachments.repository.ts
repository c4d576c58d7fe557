import { Injectable } from '@nestjs/common';
import { insertRows } from '../persistence/insert-rows';
import { returnedRows } from '../persistence/returned-rows';
import type { Queryable } from '../persistence/queryable';

// Every statement of the attachments feature, with plain inputs and outputs. An attachment is
// identified by (sender, id), as notices are: its id is chosen by its sender.

export type AttachmentStatus = 'uploading' | 'uploaded' | 'attached' | 'pending' | 'available' | 'refused' | 'stalled' | 'deleted';

export interface AttachmentRow {
  sender: string;
  id: string;
  direction: 'outbound' | 'inbound';
  noticeId: string | null;
  name: string | null;
  type: string;
  size: number;
  sha256: string;
  chunks: number;
  chunkSha256: string[];
  wrappedKey: Buffer;
  status: AttachmentStatus;
  statusCode: string | null;
  statusDetail: string | null;
  chunksRecorded: number;
  createdBy: string | null;
  createdAt: Date;
  progressAt: Date;
  completedAt: Date | null;
}

export type TransferStatus = 'sending' | 'sent' | 'delivered' | 'failed';

/** The chunk outbox of one attachment to one recipient. */
export interface TransferRow {
  attachmentId: string;
  recipient: string;
  noticeId: string;
  nextChunk: number;
  chunks: number;
  status: TransferStatus;
  statusCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

const ATTACHMENT_COLUMNS = [
  'sender', 'id', 'direction', 'notice_id', 'name', 'media_type', 'size', 'sha256', 'chunks', 'chunk_sha256', 'wrapped_key',
  'status', 'status_code', 'status_detail', 'chunks_recorded', 'created_by', 'created_at', 'progress_at', 'completed_at',
] as const;
const SELECT_ATTACHMENT = `sender, id, direction, notice_id AS "noticeId", name, media_type AS type, size::float8 AS size, sha256, chunks,
  chunk_sha256 AS "chunkSha256", wrapped_key AS "wrappedKey", status, status_code AS "statusCode", status_detail AS "statusDetail",
  chunks_recorded AS "chunksRecorded", created_by AS "createdBy", created_at AS "createdAt", progress_at AS "progressAt", completed_at AS "completedAt"`;
const SELECT_TRANSFER = `attachment_id AS "attachmentId", recipient, notice_id AS "noticeId", next_chunk AS "nextChunk", chunks, status,
  status_code AS "statusCode", created_at AS "createdAt", updated_at AS "updatedAt", delivered_at AS "deliveredAt"`;

const attachmentValues = (a: AttachmentRow): unknown[] => [
  a.sender, a.id, a.direction, a.noticeId, a.name, a.type, a.size, a.sha256, a.chunks, a.chunkSha256, a.wrappedKey,
  a.status, a.statusCode, a.statusDetail, a.chunksRecorded, a.createdBy, a.createdAt, a.progressAt, a.completedAt,
];

/** Chunks written or read in one statement where a file is walked through (about 1 MiB): few round trips, little of the file held. */
export const CHUNKS_PER_STATEMENT = 4;

@Injectable()
export class AttachmentsRepository {
  async insertAttachments(q: Queryable, rows: AttachmentRow[]): Promise<void> {
    if (rows.length > 0) await insertRows(q, 'attachment', ATTACHMENT_COLUMNS, rows.map(attachmentValues));
  }

  /** Stores chunks as they travel, in one statement; how many were new ((sender, attachment, index) already stored is skipped). */
  async insertChunks(q: Queryable, sender: string, attachmentId: string, chunks: readonly { index: number; bytes: Buffer }[]): Promise<number> {
    const rows = chunks.map((c) => [sender, attachmentId, c.index, c.bytes]);
    return (await insertRows(q, 'attachment_chunk', ['sender', 'attachment_id', 'idx', 'bytes'], rows, 'ON CONFLICT DO NOTHING RETURNING idx')).length;
  }

  /** The kind of a received notice (who may read its attachments depends on it). */
  async inboundKind(q: Queryable, sender: string, noticeId: string): Promise<string | null> {
    const rows = (await q.query(`SELECT kind FROM notice WHERE sender = $1 AND id = $2 AND direction = 'inbound'`, [sender, noticeId])) as { kind: string }[];
    return rows[0]?.kind ?? null;
  }

  /** Copies an attachment's stored chunks under another sender (a pass-on: the same ciphertext, in the database). */
  async copyChunks(q: Queryable, fromSender: string, toSender: string, id: string): Promise<void> {
    await q.query(`INSERT INTO attachment_chunk (sender, attachment_id, idx, bytes) SELECT $2, attachment_id, idx, bytes FROM attachment_chunk WHERE sender = $1 AND attachment_id = $3`, [fromSender, toSender, id]);
  }

  /** The chunk at `index`, as stored (STREAM ciphertext), or null. */
  async chunk(q: Queryable, sender: string, attachmentId: string, index: number): Promise<Buffer | null> {
    const rows = (await q.query(`SELECT bytes FROM attachment_chunk WHERE sender = $1 AND attachment_id = $2 AND idx = $3`, [sender, attachmentId, index])) as { bytes: Buffer }[];
    return rows[0]?.bytes ?? null;
  }

  /** The stored chunks at indexes from ≤ index < to, in order, in one statement (a missing index is absent: the caller checks). */
  async chunkRange(q: Queryable, sender: string, attachmentId: string, from: number, to: number): Promise<{ index: number; bytes: Buffer }[]> {
    return (await q.query(
      `SELECT idx AS index, bytes FROM attachment_chunk WHERE sender = $1 AND attachment_id = $2 AND idx >= $3 AND idx < $4 ORDER BY idx`,
      [sender, attachmentId, from, to],
    )) as { index: number; bytes: Buffer }[];
  }

  async find(q: Queryable, sender: string, id: string): Promise<AttachmentRow | null> {
    const rows = (await q.query(`SELECT ${SELECT_ATTACHMENT} FROM attachment WHERE sender = $1 AND id = $2`, [sender, id])) as AttachmentRow[];
    return rows[0] ?? null;
  }

  /** This agency's uploads with these ids (the send's transaction claims them: attachToNotice). */
  async findUploads(q: Queryable, sender: string, ids: string[]): Promise<AttachmentRow[]> {
    return (await q.query(`SELECT ${SELECT_ATTACHMENT} FROM attachment WHERE sender = $1 AND id = ANY($2::uuid[]) AND direction = 'outbound'`, [sender, ids])) as AttachmentRow[];
  }

  /** The attachments notices with this id carry (inbound: of every sender that used the id), in the order they were declared. */
  async ofNotice(q: Queryable, direction: 'outbound' | 'inbound', noticeId: string): Promise<AttachmentRow[]> {
    return (await q.query(`SELECT ${SELECT_ATTACHMENT} FROM attachment WHERE notice_id = $1 AND direction = $2 ORDER BY sender, created_at, id`, [noticeId, direction])) as AttachmentRow[];
  }

  /** An upload finished: its measured members, and `uploaded`. */
  async completeUpload(q: Queryable, sender: string, id: string, done: { size: number; sha256: string; chunks: number; chunkSha256: string[]; at: Date }): Promise<void> {
    await q.query(
      `UPDATE attachment SET size = $3, sha256 = $4, chunks = $5, chunk_sha256 = $6, status = 'uploaded', progress_at = $7, completed_at = $7, chunks_recorded = $5
        WHERE sender = $1 AND id = $2 AND status = 'uploading'`,
      [sender, id, done.size, done.sha256, done.chunks, done.chunkSha256, done.at],
    );
  }

  /** Removes an attachment and its chunks (an upload that failed or was abandoned). */
  async deleteAttachment(q: Queryable, sender: string, id: string): Promise<void> {
    await q.query(`DELETE FROM attachment WHERE sender = $1 AND id = $2`, [sender, id]);
  }

  /** Uploads started before `before` that never finished, or finished and were never sent. */
  async deleteAbandonedUploads(q: Queryable, uploadingBefore: Date, uploadedBefore: Date): Promise<number> {
    const result = await q.query(
      `DELETE FROM attachment WHERE direction = 'outbound' AND ((status = 'uploading' AND progress_at < $1) OR (status = 'uploaded' AND progress_at < $2)) RETURNING id`,
      [uploadingBefore, uploadedBefore],
    );
    return returnedRows(result).length;
  }

  /** Marks uploaded attachments as carried by a notice; returns how many were still uploaded (not sent with another). */
  async attachToNotice(q: Queryable, sender: string, ids: string[], noticeId: string, at: Date): Promise<number> {
    const result = await q.query(
      `UPDATE attachment SET notice_id = $3, status = 'attached', progress_at = $4 WHERE sender = $1 AND id = ANY($2::uuid[]) AND status = 'uploaded' RETURNING id`,
      [sender, ids, noticeId, at],
    );
    return returnedRows(result).length;
  }

  async insertTransfers(q: Queryable, rows: TransferRow[]): Promise<void> {
    if (rows.length === 0) return;
    await insertRows(
      q, 'attachment_transfer',
      ['attachment_id', 'recipient', 'notice_id', 'next_chunk', 'chunks', 'status', 'status_code', 'created_at', 'updated_at', 'delivered_at'],
      rows.map((t) => [t.attachmentId, t.recipient, t.noticeId, t.nextChunk, t.chunks, t.status, t.statusCode, t.createdAt, t.updatedAt, t.deliveredAt]),
    );
  }

  /** Transfers with chunks left to publish, oldest first, claimed (replicas skip each other's). */
  async claimTransfers(q: Queryable, limit: number): Promise<TransferRow[]> {
    return (await q.query(`SELECT ${SELECT_TRANSFER} FROM attachment_transfer WHERE status = 'sending' ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit])) as TransferRow[];
  }

  /**
   * This transaction's commit does not wait for its WAL to reach disk. Only for the relay's
   * claims: a transfer's position lost in a crash makes the relay publish those chunks again,
   * which the receiver ignores (they are redelivered), so waiting for the flush buys nothing.
   */
  async commitWithoutFlush(q: Queryable): Promise<void> {
    await q.query(`SET LOCAL synchronous_commit = off`);
  }

  /** The broker acknowledged chunks up to `nextChunk` (exclusive). */
  async advanceTransfer(q: Queryable, attachmentId: string, recipient: string, nextChunk: number, at: Date): Promise<void> {
    await q.query(
      `UPDATE attachment_transfer SET next_chunk = $3, status = CASE WHEN $3 >= chunks AND status = 'sending' THEN 'sent' ELSE status END, updated_at = $4
        WHERE attachment_id = $1 AND recipient = $2`,
      [attachmentId, recipient, nextChunk, at],
    );
  }

  async transfersOfNotice(q: Queryable, noticeId: string): Promise<TransferRow[]> {
    return (await q.query(`SELECT ${SELECT_TRANSFER} FROM attachment_transfer WHERE notice_id = $1 ORDER BY attachment_id, recipient`, [noticeId])) as TransferRow[];
  }

  /** How many transfers still have chunks to publish (a gauge). */
  async transferBacklog(q: Queryable): Promise<number> {
    const [row] = (await q.query(`SELECT count(*)::int AS n FROM attachment_transfer WHERE status = 'sending'`)) as { n: number }[];
    return row.n;
  }

  // --- receiving ---

  /** The declared attachment a chunk names, locked for its recording (null when no envelope declared it). */
  async lockInbound(q: Queryable, sender: string, id: string): Promise<AttachmentRow | null> {
    const rows = (await q.query(`SELECT ${SELECT_ATTACHMENT} FROM attachment WHERE sender = $1 AND id = $2 AND direction = 'inbound' FOR UPDATE`, [sender, id])) as AttachmentRow[];
    return rows[0] ?? null;
  }

  /**
   * Serialises a chunk that finds no declared attachment with the envelope declaring it: both
   * take this lock (until their transaction ends) before deciding to hold a chunk or to take the
   * held ones, so a chunk is never held just after the declaration looked for held chunks.
   * Attachment ids are sorted by the caller, so two declarations never wait on each other.
   */
  async lockArrival(q: Queryable, sender: string, id: string): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('liaison_attachment_arrival'), hashtext($1 || '/' || $2))`, [sender, id]);
  }

  /** SHA-256 (hex) of the chunks already recorded at these indexes, by index. */
  async recordedChunkDigests(q: Queryable, sender: string, id: string, indexes: readonly number[]): Promise<Map<number, string>> {
    const rows = (await q.query(
      `SELECT idx AS index, encode(sha256(bytes), 'hex') AS digest FROM attachment_chunk WHERE sender = $1 AND attachment_id = $2 AND idx = ANY($3::int[])`,
      [sender, id, indexes],
    )) as { index: number; digest: string }[];
    return new Map(rows.map((r) => [r.index, r.digest]));
  }

  /** `n` more chunks of an inbound attachment recorded; how many are recorded now. */
  async chunksRecorded(q: Queryable, sender: string, id: string, n: number, at: Date): Promise<number> {
    const [row] = returnedRows<{ n: number }>(await q.query(
      `UPDATE attachment SET chunks_recorded = chunks_recorded + $3, progress_at = $4 WHERE sender = $1 AND id = $2 RETURNING chunks_recorded AS n`,
      [sender, id, n, at],
    ));
    return row.n;
  }

  /** The end of an inbound attachment's arrival: available, refused or stalled (with the reason). */
  async settleInbound(q: Queryable, sender: string, id: string, status: 'available' | 'refused' | 'stalled', code: string | null, detail: string | null, at: Date): Promise<void> {
    await q.query(
      `UPDATE attachment SET status = $3, status_code = $4, status_detail = $5, completed_at = CASE WHEN $3 = 'available' THEN $6 ELSE completed_at END, progress_at = $6
        WHERE sender = $1 AND id = $2`,
      [sender, id, status, code, detail, at],
    );
  }

  async holdChunk(q: Queryable, chunk: { sender: string; attachmentId: string; index: number; noticeId: string; bytes: Buffer; at: Date }): Promise<void> {
    await q.query(
      `INSERT INTO held_chunk (sender, attachment_id, idx, notice_id, bytes, held_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [chunk.sender, chunk.attachmentId, chunk.index, chunk.noticeId, chunk.bytes, chunk.at],
    );
  }

  async heldCount(q: Queryable, sender: string): Promise<number> {
    const [row] = (await q.query(`SELECT count(*)::int AS n FROM held_chunk WHERE sender = $1`, [sender])) as { n: number }[];
    return row.n;
  }

  /** Takes (reads and deletes) the chunks held for these attachments of a sender, in index order. */
  async takeHeld(q: Queryable, sender: string, ids: string[]): Promise<{ attachmentId: string; index: number; noticeId: string; bytes: Buffer }[]> {
    return (await q.query(
      `WITH taken AS (DELETE FROM held_chunk WHERE sender = $1 AND attachment_id = ANY($2::uuid[]) RETURNING attachment_id, idx, notice_id, bytes)
       SELECT attachment_id AS "attachmentId", idx AS index, notice_id AS "noticeId", bytes FROM taken ORDER BY attachment_id, idx`,
      [sender, ids],
    )) as { attachmentId: string; index: number; noticeId: string; bytes: Buffer }[];
  }

  async deleteHeldBefore(q: Queryable, before: Date): Promise<number> {
    return returnedRows(await q.query(`DELETE FROM held_chunk WHERE held_at < $1 RETURNING 1`, [before])).length;
  }

  /** Records a refused chunk message once per position; true when it was new. */
  async insertRefusedChunk(q: Queryable, r: { partition: number; offset: string; claimedSender: string | null; attachmentId: string | null; index: number | null; code: string; detail: string; digest: string; at: Date }): Promise<boolean> {
    const rows = (await q.query(
      `INSERT INTO refused_chunk (partition, "offset", claimed_sender, attachment_id, idx, code, detail, digest, refused_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT DO NOTHING RETURNING 1`,
      [r.partition, r.offset, r.claimedSender, r.attachmentId, r.index, r.code, r.detail, r.digest, r.at],
    )) as unknown[];
    return rows.length === 1;
  }

  async refusedChunks(q: Queryable, limit: number): Promise<{ partition: number; offset: string; claimedSender: string | null; attachmentId: string | null; index: number | null; code: string; detail: string; refusedAt: Date }[]> {
    return (await q.query(
      `SELECT partition, "offset"::text AS offset, claimed_sender AS "claimedSender", attachment_id AS "attachmentId", idx AS index, code, detail, refused_at AS "refusedAt"
         FROM refused_chunk ORDER BY refused_at DESC LIMIT $1`,
      [limit],
    )) as never;
  }

  /** Inbound attachments that stopped arriving: pending, no chunk since `before`. */
  async stalledInbound(q: Queryable, before: Date, limit: number): Promise<AttachmentRow[]> {
    return (await q.query(`SELECT ${SELECT_ATTACHMENT} FROM attachment WHERE status = 'pending' AND progress_at < $1 ORDER BY progress_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [before, limit])) as AttachmentRow[];
  }

  /** The sender learned how an attachment arrived at a recipient. */
  async settleTransfer(q: Queryable, attachmentId: string, recipient: string, noticeId: string, status: 'delivered' | 'failed', code: string | null, at: Date): Promise<boolean> {
    const result = await q.query(
      `UPDATE attachment_transfer SET status = $4, status_code = $5, delivered_at = CASE WHEN $4 = 'delivered' THEN $6 ELSE delivered_at END, updated_at = $6
        WHERE attachment_id = $1 AND recipient = $2 AND notice_id = $3 AND status <> $4 RETURNING 1`,
      [attachmentId, recipient, noticeId, status, code, at],
    );
    return returnedRows(result).length === 1;
  }

  // --- retention ---

  /** Attachments of notices of `kind` created before `before` whose content is still kept, locked. */
  async dueForDeletion(q: Queryable, kind: string, before: Date, limit: number): Promise<AttachmentRow[]> {
    return (await q.query(
      `SELECT ${SELECT_ATTACHMENT} FROM attachment
        WHERE status <> 'deleted' AND created_at < $2 AND (sender, notice_id, direction) IN (SELECT sender, id, direction FROM notice WHERE kind = $1)
        ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [kind, before, limit],
    )) as AttachmentRow[];
  }

  /** Deletes an attachment's content (its chunks and its key); its facts stay, as in the ledger. */
  async deleteContent(q: Queryable, sender: string, id: string, at: Date): Promise<void> {
    await q.query(`DELETE FROM attachment_chunk WHERE sender = $1 AND attachment_id = $2`, [sender, id]);
    await q.query(`UPDATE attachment SET status = 'deleted', wrapped_key = $4, progress_at = $3 WHERE sender = $1 AND id = $2`, [sender, id, at, Buffer.alloc(0)]);
    await q.query(`UPDATE attachment_transfer SET status = 'failed', status_code = 'deleted', updated_at = $2 WHERE attachment_id = $1 AND status = 'sending'`, [id, at]);
  }
}
