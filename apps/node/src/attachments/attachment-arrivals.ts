import { Inject, Injectable, Logger } from '@nestjs/common';
import { AttachmentDescriptor, AttachmentOpener, ChunkAddress, chunkMessageKey, ChunkRefusalCode, checkAttachmentPolicy, contentKeyOf, decideChunk } from '@liaison/attachments';
import { sha256Hex } from '@liaison/envelope';
import { NodeConfig } from '../config/node-config';
import { EnvelopeDispatcher } from '../exchange/dispatcher';
import type { PendingWrites } from '../exchange/unit-of-work';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentsMetrics } from './attachments.metrics';
import { AttachmentRow, AttachmentsRepository, CHUNKS_PER_STATEMENT } from './attachments.repository';
import { arrivalEntry, attachmentReceiptDraft, declaredRows, descriptorOf, HELD_CHUNKS_PER_SENDER, refusedChunkEntry } from './attachments.decide';

/** What became of one chunk. */
export type ChunkOutcome = { effect: 'record' | 'redelivered' | 'hold' | 'settled' } | { effect: 'refused'; code: ChunkRefusalCode; detail: string };

/** Files whose opening is kept in memory while their chunks arrive (the least recently fed are dropped first). */
const OPENERS_KEPT = 16;

/**
 * The receiving side's writes, shared by the chunk consumer and the inbox (an envelope declaring
 * attachments may arrive after some of their chunks): registers declared attachments, records
 * each chunk once after checking it against the signed descriptor (libs/attachments
 * decideChunk), opens the file chunk by chunk as they arrive in order and, once the last chunk is
 * in, whatever it did not see from storage, compares its SHA-256 and media type, settles it
 * (available or refused) and tells the sender in a signed attachment receipt. Everything in the
 * caller's transaction.
 */
@Injectable()
export class AttachmentArrivals {
  private readonly log = new Logger('Attachments');
  /**
   * Each file being received is opened as its chunks arrive in order, so that once the last one is
   * in, only chunks not fed here are read back from storage (none, usually). Only chunks whose
   * SHA-256 is the signed one are fed, so the state is that of the stored file, whether or not the
   * transaction that fed it commits; a restart or another replica reads the file from storage.
   */
  private readonly openers = new Map<string, AttachmentOpener>();

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
    // A chunk held under another notice's name is not this one's: taken, and dropped.
    const held = (await this.repository.takeHeld(tx, sender, ids)).filter((h) => h.noticeId === noticeId);
    for (const id of ids) {
      const group = held.filter((h) => h.attachmentId === id).map((h) => ({ address: { sender, recipient: this.config.agency, notice: h.noticeId, attachment: id, index: h.index }, bytes: h.bytes }));
      if (group.length === 0) continue;
      const outcomes = await this.chunks(tx, pending, group);
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.effect === 'refused') pending.ledger.push(refusedChunkEntry(sender, id, sha256Hex(group[i].bytes), outcome.code, outcome.detail));
      }
    }
  }

  /**
   * Decides and records chunk messages of one attachment (one sender, one attachment id), with
   * one lock and a few statements for all of them; an outcome per chunk, in order. The caller
   * records refusals (it knows each chunk's position).
   */
  async chunks(tx: Queryable, pending: PendingWrites, group: readonly { address: ChunkAddress; bytes: Buffer }[]): Promise<ChunkOutcome[]> {
    const { sender, attachment } = group[0].address;
    let row = await this.repository.lockInbound(tx, sender, attachment);
    if (!row) {
      // Its envelope may be in a transaction that has not committed yet: wait for it, look again.
      await this.repository.lockArrival(tx, sender, attachment);
      row = await this.repository.lockInbound(tx, sender, attachment);
    }
    // Once settled (verified, or refused whole), later copies change nothing.
    if (row && (row.status === 'available' || row.status === 'refused' || row.status === 'deleted')) return group.map(() => ({ effect: 'settled' }));
    const declared = row ? { notice: row.noticeId as string, sender: row.sender, descriptor: this.descriptor(row) } : undefined;
    const recorded = row ? await this.repository.recordedChunkDigests(tx, sender, attachment, group.map((c) => c.address.index)) : new Map<number, string>();
    const fresh: { index: number; bytes: Buffer }[] = [];
    const outcomes: ChunkOutcome[] = [];
    for (const { address, bytes } of group) {
      const digest = sha256Hex(bytes);
      const decision = decideChunk({ self: this.config.agency, address, length: bytes.byteLength, digest, declared, recorded: recorded.get(address.index) });
      if (!decision.ok) outcomes.push({ effect: 'refused', code: decision.code, detail: decision.detail });
      else if (decision.effect === 'hold') outcomes.push(await this.hold(tx, address, bytes));
      else {
        if (decision.effect === 'record') {
          fresh.push({ index: address.index, bytes });
          recorded.set(address.index, digest); // a second copy in the same batch is a redelivery
        }
        outcomes.push({ effect: decision.effect });
      }
    }
    if (row && declared) this.feed(row, declared.descriptor, group.filter((_, i) => outcomes[i].effect === 'record' || outcomes[i].effect === 'redelivered'));
    if (fresh.length > 0) {
      const stored = row as AttachmentRow;
      const inserted = await this.repository.insertChunks(tx, stored.sender, stored.id, fresh);
      const total = await this.repository.chunksRecorded(tx, stored.sender, stored.id, inserted, this.clock.now());
      if (total === stored.chunks) await this.complete(tx, pending, stored);
    }
    return outcomes;
  }

  /** Keeps a chunk whose envelope has not arrived (yet), up to HELD_CHUNKS_PER_SENDER per sender. */
  private async hold(tx: Queryable, address: ChunkAddress, bytes: Buffer): Promise<ChunkOutcome> {
    if ((await this.repository.heldCount(tx, address.sender)) >= HELD_CHUNKS_PER_SENDER) {
      return { effect: 'refused', code: 'unknown_attachment', detail: `no notice declared it, and ${HELD_CHUNKS_PER_SENDER} chunks of ${address.sender} already wait for theirs` };
    }
    await this.repository.holdChunk(tx, { sender: address.sender, attachmentId: address.attachment, index: address.index, noticeId: address.notice, bytes, at: this.clock.now() });
    return { effect: 'hold' };
  }

  /** Pushes the chunks that continue the file's opening (in index order) into its opener. */
  private feed(row: AttachmentRow, descriptor: AttachmentDescriptor, accepted: readonly { address: ChunkAddress; bytes: Buffer }[]): void {
    const key = chunkMessageKey(row.sender, row.id);
    let opener = this.openers.get(key);
    for (const c of [...accepted].sort((a, b) => a.address.index - b.address.index)) {
      if (!opener && c.address.index === 0) opener = new AttachmentOpener(descriptor, this.config.attachments);
      if (opener && c.address.index === opener.opened) opener.push(c.bytes);
    }
    if (!opener) return;
    this.openers.delete(key); // re-inserted last: the map's order is the order of use
    this.openers.set(key, opener);
    if (this.openers.size > OPENERS_KEPT) this.openers.delete(this.openers.keys().next().value as string);
  }

  /** Every chunk is in: open the rest of the file in order, check its SHA-256 and type, settle it, tell the sender. */
  private async complete(tx: Queryable, pending: PendingWrites, row: AttachmentRow): Promise<void> {
    const key = chunkMessageKey(row.sender, row.id);
    const opener = this.openers.get(key) ?? new AttachmentOpener(this.descriptor(row), this.config.attachments);
    this.openers.delete(key);
    let verdict: ReturnType<AttachmentOpener['finish']> = { ok: true };
    for (let from = opener.opened; from < row.chunks && verdict.ok; from += CHUNKS_PER_STATEMENT) {
      const to = Math.min(from + CHUNKS_PER_STATEMENT, row.chunks);
      const stored = await this.repository.chunkRange(tx, row.sender, row.id, from, to);
      for (let index = from; index < to && verdict.ok; index++) {
        const sealed = stored.find((c) => c.index === index);
        const pushed = sealed ? opener.push(sealed.bytes) : ({ ok: false, code: 'incomplete', detail: `chunk ${index} is missing` } as const);
        if (!pushed.ok) verdict = pushed;
      }
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
