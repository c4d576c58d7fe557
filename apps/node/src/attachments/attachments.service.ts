import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { AttachmentDescriptor, AttachmentSealer, KEY_BYTES, MAX_NAME_LENGTH, MediaCheck, mediaRule, openChunk } from '@liaison/attachments';
import { isUuidV7, uuidv7 } from '@liaison/ids';
import type { Principal } from '@liaison/auth';
import { NodeConfig } from '../config/node-config';
import { invalidField, problem, ProblemException } from '../http/problem';
import type { OutboundItem } from '../exchange/notice.decide';
import type { PendingWrites } from '../exchange/unit-of-work';
import { ExchangeExtensions } from '../exchange/extensions';
import { RESPONSE } from '../exchange/inbox.decide';
import { refuse, requireSenderParam } from '../exchange/refusals';
import type { Queryable } from '../persistence/queryable';
import { Transactions } from '../persistence/transactions';
import { Clock, NODE_CONFIG } from '../tokens';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentRow, AttachmentsRepository, CHUNKS_PER_STATEMENT, TransferRow } from './attachments.repository';
import { byteRange, checkNoticeAttachments, chunksOfRange, descriptorOf, sentAttachmentEntries, transfersOf, uploadMediaType, UploadRefusal } from './attachments.decide';

/** What an upload answers, and what the API shows of an attachment: never its key. */
export interface AttachmentFactsView {
  id: string;
  name: string | null;
  type: string;
  size: number;
  sha256: string;
  chunks: number;
  status: string;
}

const refusal = (r: UploadRefusal) => new ProblemException(problem(r.status, r.code, `${r.field} ${r.message}`, { errors: [{ field: r.field, message: r.message }] }));

export const viewOf = (a: AttachmentRow): AttachmentFactsView => ({ id: a.id, name: a.name, type: a.type, size: a.size, sha256: a.sha256, chunks: a.chunks, status: a.status });

/**
 * Attachments of notices this agency sends: an upload streams into encrypted storage (sealed
 * chunk by chunk as it arrives, never held whole); a notice that names uploads carries their
 * descriptors in its signed claim `att`, and its send transaction queues one transfer per
 * (attachment, recipient) for the ChunkRelay. Downloads stream out, chunk by chunk.
 */
@Injectable()
export class AttachmentsService {
  private readonly log = new Logger('Attachments');

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: AttachmentsRepository,
    private readonly keys: AttachmentKeys,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    extensions: ExchangeExtensions,
  ) {
    extensions.attachments = { describe: (...a) => this.describe(...a), carryOn: (...a) => this.carryOn(...a), write: (...a) => this.write(...a) };
  }

  /**
   * Operator or officer: streams a file into encrypted storage. The declared type (Content-Type)
   * must be allowed and agree with the file's bytes; the size stays within the federation's limit.
   * A refused or broken upload leaves nothing behind.
   */
  async upload(principal: Principal, request: Readable & { headers: Record<string, string | string[] | undefined> }, name: string | undefined): Promise<AttachmentFactsView> {
    const length = request.headers['content-length'];
    const declaredLength = typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : null;
    const checked = uploadMediaType(request.headers['content-type'] as string | undefined, this.config.attachments, declaredLength);
    if (!checked.ok) throw refusal(checked.refusal);
    if (name !== undefined) this.checkName(name);
    const id = uuidv7();
    const key = randomBytes(KEY_BYTES);
    const now = this.clock.now();
    const me = this.config.agency;
    await this.transactions.run((tx) => this.repository.insertAttachments(tx, [{
      sender: me, id, direction: 'outbound', noticeId: null, name: name ?? null, type: checked.type, size: 0, sha256: '', chunks: 1, chunkSha256: [],
      wrappedKey: this.keys.wrap(me, id, key), status: 'uploading', statusCode: null, statusDetail: null, chunksRecorded: 0,
      createdBy: principal.subject, createdAt: now, progressAt: now, completedAt: null,
    }]));
    try {
      const summary = await this.store(request, id, key, checked.type);
      await this.transactions.run((tx) => this.repository.completeUpload(tx, me, id, { size: summary.size, sha256: summary.sha256, chunks: summary.chunks, chunkSha256: summary.chunk_sha256, at: this.clock.now() }));
      return { id, name: name ?? null, type: checked.type, size: summary.size, sha256: summary.sha256, chunks: summary.chunks, status: 'uploaded' };
    } catch (error) {
      await this.transactions.run((tx) => this.repository.deleteAttachment(tx, me, id)).catch(() => undefined);
      throw error;
    }
  }

  /** Seals the request body chunk by chunk into storage; refuses it once it is too large or not of its declared type. */
  private async store(request: Readable, id: string, key: Buffer, type: string) {
    const sealer = new AttachmentSealer(key, id);
    const media = new MediaCheck(mediaRule(this.config.attachments, type) ?? { type }, this.config.attachments.media);
    const me = this.config.agency;
    let index = 0;
    let size = 0;
    // Sealed chunks are written a few per statement (a bounded buffer) rather than one round trip each.
    let unsaved: { index: number; bytes: Buffer }[] = [];
    const save = async (sealed: Buffer, flush = false) => {
      unsaved.push({ index: index++, bytes: sealed });
      if (unsaved.length < CHUNKS_PER_STATEMENT && !flush) return;
      const batch = unsaved;
      unsaved = [];
      await this.transactions.run((tx) => this.repository.insertChunks(tx, me, id, batch));
    };
    for await (const piece of request as AsyncIterable<Buffer>) {
      size += piece.byteLength;
      if (size > this.config.attachments.maxAttachmentBytes) {
        request.resume(); // drain, so the client reads the answer
        throw refusal({ status: 413, code: 'too_large', field: 'body', message: `an attachment is at most ${this.config.attachments.maxAttachmentBytes} bytes` });
      }
      const wrong = media.update(piece);
      if (wrong) throw refusal({ status: 415, code: 'media_type_mismatch', field: 'Content-Type', message: wrong });
      for (const sealed of sealer.push(piece)) await save(sealed);
    }
    const wrong = media.finish();
    if (wrong) throw refusal({ status: 415, code: 'media_type_mismatch', field: 'Content-Type', message: wrong });
    const { last, summary } = sealer.finish();
    await save(last, true);
    return summary;
  }

  private checkName(name: string): void {
    // The descriptor's rule (checkAttachments) decides; a name it would refuse is refused here first.
    if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069/\\]/u.test(name) || name === '.' || name === '..') {
      throw invalidField('name', `must be a file name of 1..${MAX_NAME_LENGTH} characters, without path separators or control characters`);
    }
  }

  /** The facts of one of this agency's uploads (its uploader only). */
  async uploaded(principal: Principal, id: string): Promise<AttachmentFactsView> {
    const row = isUuidV7(id) ? await this.transactions.run((tx) => this.repository.find(tx, this.config.agency, id)) : null;
    if (!row || row.direction !== 'outbound' || row.createdBy !== principal.subject) throw refuse.notFound('attachment');
    return viewOf(row);
  }

  /**
   * The descriptors of the uploads a compose request names (`attachments`), checked against the
   * request's body and the federation's limits; throws a problem naming the field.
   */
  async describe(principal: Principal, ids: string[], body: unknown, at: string): Promise<AttachmentDescriptor[]> {
    const rows = await this.transactions.run((tx) => this.repository.findUploads(tx, this.config.agency, ids));
    const refused = checkNoticeAttachments(ids, rows, principal.subject, body, this.config.attachments, at);
    if (refused) throw refusal(refused);
    return ids.map((id) => {
      const row = rows.find((r) => r.id === id) as AttachmentRow;
      return descriptorOf(row, this.keys.unwrap(row.sender, row.id, row.wrappedKey));
    });
  }

  /**
   * A pass-on carries the received notice's attachments: each is copied as this agency's (same
   * id, key and chunks as they travelled, so nothing is decrypted or re-encoded), ready for the
   * new notice. Refused while any has not arrived whole and verified.
   */
  async carryOn(tx: Queryable, principal: Principal, sender: string, noticeId: string): Promise<AttachmentDescriptor[]> {
    const received = await this.repository.ofNotice(tx, 'inbound', noticeId);
    const rows = received.filter((a) => a.sender === sender);
    const waiting = rows.find((a) => a.status !== 'available');
    if (waiting) throw new ProblemException(problem(409, 'attachment_not_available', `attachment ${waiting.id} of the notice is ${waiting.status}: it can be passed on once every attachment arrived whole and verified`));
    const me = this.config.agency;
    const now = this.clock.now();
    const copies: AttachmentDescriptor[] = [];
    for (const row of rows) {
      const key = this.keys.unwrap(row.sender, row.id, row.wrappedKey);
      if (await this.repository.find(tx, me, row.id)) throw new ProblemException(problem(409, 'attachment_id_taken', `attachment ${row.id} has the id of one of this agency's own: it cannot be passed on`));
      await this.repository.insertAttachments(tx, [{
        ...row, sender: me, direction: 'outbound', noticeId: null, wrappedKey: this.keys.wrap(me, row.id, key), status: 'uploaded', statusCode: null, statusDetail: null,
        createdBy: principal.subject, createdAt: now, progressAt: now, completedAt: now,
      }]);
      await this.repository.copyChunks(tx, row.sender, me, row.id);
      copies.push(descriptorOf(row, key));
    }
    return copies;
  }

  /** In a send's transaction: the notices' uploads become theirs, one transfer per recipient, a ledger entry each. */
  async write(tx: Queryable, pending: PendingWrites, items: OutboundItem[]): Promise<void> {
    const now = this.clock.now();
    const transfers: TransferRow[] = [];
    for (const { draft, actor } of items) {
      if (!draft.att?.length) continue;
      const ids = draft.att.map((d) => d.id);
      const attached = await this.repository.attachToNotice(tx, this.config.agency, ids, draft.jti, now);
      // Two sends naming one upload at once: the second finds it attached and writes nothing.
      if (attached !== ids.length) throw refusal({ status: 409, code: 'attachment_already_sent', field: '/attachments', message: 'an attachment was sent with another notice meanwhile; upload it again' });
      transfers.push(...transfersOf(draft.jti, draft.aud, draft.att, now));
      pending.ledger.push(...sentAttachmentEntries(draft.jti, draft.att, actor));
    }
    await this.repository.insertTransfers(tx, transfers);
  }

  /**
   * The attachments of a notice this agency sent (with each recipient's progress) or received
   * (with whether each arrived whole and verified). Inbound ids are unique per sender only.
   */
  async ofNotice(direction: 'outbound' | 'inbound', noticeId: string, sender?: string, reader?: Principal) {
    requireSenderParam(sender);
    return this.transactions.run(async (tx) => {
      const rows = await this.rowsOf(tx, direction, noticeId, sender, reader);
      const transfers = direction === 'outbound' ? await this.repository.transfersOfNotice(tx, noticeId) : [];
      return rows.map((a) => ({
        ...viewOf(a),
        ...(direction === 'inbound'
          ? { sender: a.sender, available: a.status === 'available', completedAt: a.completedAt?.toISOString() ?? null }
          : {
              recipients: transfers.filter((t) => t.attachmentId === a.id).map((t) => ({
                agency: t.recipient, status: t.status, chunksSent: t.nextChunk, code: t.statusCode, deliveredAt: t.deliveredAt?.toISOString() ?? null,
              })),
            }),
      }));
    });
  }

  /**
   * A notice's attachments in one direction; for inbound, of its one sender (else 409
   * ambiguous_id, like the notice itself), and only for a reader who may read that notice: a
   * liaison officer, or an operator when it is a response to this agency's notice.
   */
  private async rowsOf(tx: Queryable, direction: 'outbound' | 'inbound', noticeId: string, sender: string | undefined, reader?: Principal): Promise<AttachmentRow[]> {
    const rows = (await this.repository.ofNotice(tx, direction, noticeId)).filter((a) => (direction === 'outbound' ? a.sender === this.config.agency : sender === undefined || a.sender === sender));
    const senders = [...new Set(rows.map((a) => a.sender))];
    if (senders.length > 1) throw refuse.ambiguous(noticeId, senders);
    if (direction === 'inbound' && reader && !reader.roles.includes('liaison_officer') && rows.length > 0) {
      const kind = await this.repository.inboundKind(tx, senders[0], noticeId);
      if (kind !== RESPONSE) throw refuse.notFound('attachment');
    }
    return rows;
  }

  /**
   * Streams an attachment's plaintext (or one byte range of it), decrypting one stored chunk at a
   * time. Only an attachment verified whole is served: one received must be `available`; one we
   * sent was sealed here from the upload.
   */
  async download(
    at: { direction: 'outbound' | 'inbound'; noticeId: string; id: string; sender?: string; reader?: Principal },
    rangeHeader: string | undefined,
    respond: (head: { status: number; headers: Record<string, string>; name: string | null; type: string }) => Writable,
  ): Promise<void> {
    requireSenderParam(at.sender);
    const row = (await this.transactions.run((tx) => this.rowsOf(tx, at.direction, at.noticeId, at.sender, at.reader))).find((a) => a.id === at.id);
    if (!row) throw refuse.notFound('attachment');
    const servable = row.direction === 'outbound' ? row.status === 'attached' : row.status === 'available';
    if (!servable) throw new ProblemException(problem(409, 'attachment_not_available', `attachment ${row.id} is ${row.status}: it can be downloaded once it arrived whole and verified`));
    const range = byteRange(rangeHeader, row.size);
    if (range === 'unsatisfiable') throw new ProblemException(problem(416, 'range_not_satisfiable', `the attachment is ${row.size} bytes`), { 'Content-Range': `bytes */${row.size}` });
    const key = this.keys.unwrap(row.sender, row.id, row.wrappedKey);
    const span = range ?? { start: 0, end: row.size - 1 };
    const { first, last, skip } = chunksOfRange(span);
    let remaining = row.size === 0 ? 0 : span.end - span.start + 1;
    const out = respond({
      status: range ? 206 : 200,
      name: row.name,
      type: row.type,
      headers: {
        'Content-Type': row.type,
        'Content-Length': String(remaining),
        'Accept-Ranges': 'bytes',
        ETag: `"${row.sha256}"`,
        ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${row.size}` } : {}),
      },
    });
    for (let index = first; index <= last && remaining > 0; index++) {
      const sealed = await this.transactions.run((tx) => this.repository.chunk(tx, row.sender, row.id, index));
      const plain = sealed ? openChunk(key, row.id, index, index === row.chunks - 1, sealed) : null;
      if (!plain) {
        // Stored chunks changed outside the node: the response is cut short (its length is already sent).
        this.log.error(`ATTACHMENT INTEGRITY ALERT: chunk ${index} of ${row.sender}/${row.id} is missing or does not authenticate`);
        out.destroy(new Error('stored attachment altered'));
        return;
      }
      const from = index === first ? skip : 0;
      const piece = plain.subarray(from, from + remaining);
      remaining -= piece.byteLength;
      if (!out.write(piece)) await new Promise((resolve) => out.once('drain', resolve));
    }
    out.end();
  }
}
