import { Inject, Injectable, Logger } from '@nestjs/common';
import { AttachmentDescriptor, AttachmentOpener, ChunkAddress, ChunkRefusalCode, checkAttachmentPolicy, contentKeyOf, decideChunk } from '@liaison/attachments';
import { sha256Hex } from '@liaison/envelope';
import { NodeConfig } from '../config/node-config';
import { EnvelopeDispatcher } from '../exchange/dispatcher';
import type { PendingWrites } from '../exchange/unit-of-work';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentsMetrics } from './attachments.metrics';
import { AttachmentRow, AttachmentsRepository } from './attachments.repository';
import { arrivalEntry, attachmentReceiptDraft, declaredRows, descriptorOf, HELD_CHUNKS_PER_SENDER, refusedChunkEntry } from './attachments.decide';

/** What became of one chunk. */
export type ChunkOutcome = { effect: 'record' | 'redelivered' | 'hold' | 'settled' } | { effect: 'refused'; code: ChunkRefusalCode; detail: string };

/**
 * The receiving side's writes, shared by the chunk consumer and the inbox (an envelope declaring
 * attachments may arrive after some of their chunks): registers declared attachments, records
 * each chunk once after checking it against the signed descriptor (libs/attachments
 * decideChunk), and once the last chunk is in, opens the whole file chunk by chunk, compares its
 * SHA-256 and media type, settles it (available or refused) and tells the sender in a signed
 * attachment receipt. Everything in the caller's transaction.
 */
@Injectable()
export class AttachmentArrivals {
  private readonly log = new Logger('Attachments');

  constructor(
    private readonly repository: AttachmentsRepository,
    private readonly keys: AttachmentKeys,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly metrics: AttachmentsMetrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /**
   * A notice from `sender` declared these attachments: registers them (pending, or refused when
   * the federation's policy does not allow them) and records the chunks that came first.
   */
  async declared(tx: Queryable, pending: PendingWrites, sender: string, noticeId: string, att: AttachmentDescriptor[]): Promise<void> {
    const now = this.clock.now();
    const refused = checkAttachmentPolicy(this.config.attachments, att);
    const rows = declaredRows(sender, noticeId, att, (d) => this.keys.wrap(sender, d.id, contentKeyOf(d)), refused, now);
    await this.repository.insertAttachments(tx, rows);
    if (refused) {
      pending.ledger.push(...rows.map((row) => arrivalEntry(row, 'attachment-refused', `not_allowed: ${refused}`)));
      await this.tell(tx, pending, sender, noticeId, rows.map((row) => ({ id: row.id, status: 'refused' as const, code: 'not_allowed' as const })));
      return;
    }
    const ids = att.map((d) => d.id).sort();
    for (const id of ids) await this.repository.lockArrival(tx, sender, id);
    for (const held of await this.repository.takeHeld(tx, sender, ids)) {
      if (held.noticeId !== noticeId) continue; // held under another notice's name: not this one's
      const outcome = await this.chunk(tx, pending, { sender, recipient: this.config.agency, notice: held.noticeId, attachment: held.attachmentId, index: held.index }, held.bytes);
      if (outcome.effect === 'refused') pending.ledger.push(refusedChunkEntry(sender, held.attachmentId, sha256Hex(held.bytes), outcome.code, outcome.detail));
    }
  }

  /** Decides and records one chunk message; the caller records a refusal (it knows the chunk's position). */
  async chunk(tx: Queryable, pending: PendingWrites, address: ChunkAddress, bytes: Buffer): Promise<ChunkOutcome> {
    let row = await this.repository.lockInbound(tx, address.sender, address.attachment);
    if (!row) {
      // Its envelope may be in a transaction that has not committed yet: wait for it, look again.
      await this.repository.lockArrival(tx, address.sender, address.attachment);
      row = await this.repository.lockInbound(tx, address.sender, address.attachment);
    }
    // Once settled (verified, or refused whole), later copies change nothing.
    if (row && (row.status === 'available' || row.status === 'refused' || row.status === 'deleted')) return { effect: 'settled' };
    const digest = sha256Hex(bytes);
    const decision = decideChunk({
      self: this.config.agency,
      address,
      length: bytes.byteLength,
      digest,
      declared: row ? { notice: row.noticeId as string, sender: row.sender, descriptor: this.descriptor(row) } : undefined,
      recorded: row ? ((await this.repository.recordedChunkDigest(tx, row.sender, row.id, address.index)) ?? undefined) : undefined,
    });
    if (!decision.ok) return { effect: 'refused', code: decision.code, detail: decision.detail };
    if (decision.effect === 'hold') {
      if ((await this.repository.heldCount(tx, address.sender)) >= HELD_CHUNKS_PER_SENDER) {
        return { effect: 'refused', code: 'unknown_attachment', detail: `no notice declared it, and ${HELD_CHUNKS_PER_SENDER} chunks of ${address.sender} already wait for theirs` };
      }
      await this.repository.holdChunk(tx, { sender: address.sender, attachmentId: address.attachment, index: address.index, noticeId: address.notice, bytes, at: this.clock.now() });
      return { effect: 'hold' };
    }
    if (decision.effect === 'redelivered') return { effect: 'redelivered' };
    const stored = row as AttachmentRow;
    await this.repository.insertChunk(tx, stored.sender, stored.id, address.index, bytes);
    const recorded = await this.repository.chunkRecorded(tx, stored.sender, stored.id, this.clock.now());
    if (recorded === stored.chunks) await this.complete(tx, pending, stored);
    return { effect: 'record' };
  }

  /** Every chunk is in: open the file in order, check its SHA-256 and type, settle it, tell the sender. */
  private async complete(tx: Queryable, pending: PendingWrites, row: AttachmentRow): Promise<void> {
    const opener = new AttachmentOpener(this.descriptor(row), this.config.attachments);
    let verdict: ReturnType<AttachmentOpener['finish']> = { ok: true };
    for (let index = 0; index < row.chunks && verdict.ok; index++) {
      const sealed = await this.repository.chunk(tx, row.sender, row.id, index);
      const pushed = sealed ? opener.push(sealed) : ({ ok: false, code: 'incomplete', detail: `chunk ${index} is missing` } as const);
      if (!pushed.ok) verdict = pushed;
    }
    if (verdict.ok) verdict = opener.finish();
    const now = this.clock.now();
    this.metrics.settled.inc({ status: verdict.ok ? 'available' : 'refused' });
    if (verdict.ok) {
      await this.repository.settleInbound(tx, row.sender, row.id, 'available', null, null, now);
      pending.ledger.push(arrivalEntry(row, 'attachment-received', null));
    } else {
      this.log.warn(`attachment ${row.sender}/${row.id} refused: ${verdict.code}`);
      await this.repository.settleInbound(tx, row.sender, row.id, 'refused', verdict.code, verdict.detail, now);
      pending.ledger.push(arrivalEntry(row, 'attachment-refused', `${verdict.code}: ${verdict.detail}`));
    }
    await this.tell(tx, pending, row.sender, row.noticeId as string, [{ id: row.id, status: verdict.ok ? 'available' : 'refused', ...(verdict.ok ? {} : { code: verdict.code }) }]);
  }

  /** An attachment stopped arriving (no chunk within the stall timeout): settled as stalled, the sender told. */
  async stalled(tx: Queryable, pending: PendingWrites, row: AttachmentRow): Promise<void> {
    await this.repository.settleInbound(tx, row.sender, row.id, 'stalled', 'stalled', `${row.chunksRecorded} of ${row.chunks} chunks arrived`, this.clock.now());
    pending.ledger.push(arrivalEntry(row, 'attachment-refused', `stalled: ${row.chunksRecorded} of ${row.chunks} chunks arrived`));
    await this.tell(tx, pending, row.sender, row.noticeId as string, [{ id: row.id, status: 'stalled', code: 'stalled' }]);
  }

  private async tell(tx: Queryable, pending: PendingWrites, sender: string, noticeId: string, items: Parameters<typeof attachmentReceiptDraft>[3]): Promise<void> {
    await this.dispatcher.dispatch(tx, pending, [{ draft: attachmentReceiptDraft(this.config.agency, sender, noticeId, items, this.clock.now()), actor: null }]);
  }

  private descriptor(row: AttachmentRow): AttachmentDescriptor {
    return descriptorOf(row, this.keys.unwrap(row.sender, row.id, row.wrappedKey));
  }
}
