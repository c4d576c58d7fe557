import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChunkAddress, chunkMessageKey, HEADER_CHUNK_ATTACHMENT, HEADER_CHUNK_INDEX, HEADER_CHUNK_SENDER, parseChunkHeaders } from '@liaison/attachments';
import { sha256Hex } from '@liaison/envelope';
import { isAgencyCode, isUuidV7 } from '@liaison/ids';
import type { InboundMessage } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { writeTogetherOrAlone } from '../exchange/group-commit';
import { PendingWrites, UnitOfWork } from '../exchange/unit-of-work';
import { describeFailure, mustRetryBatch } from '../persistence/errors';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { AttachmentArrivals } from './attachment-arrivals';
import { AttachmentsMetrics } from './attachments.metrics';
import { AttachmentsRepository } from './attachments.repository';
import { refusedChunkEntry } from './attachments.decide';

/** Longest refusal detail kept. */
const MAX_DETAIL = 500;

/**
 * Records one partition's batch of the agency's attachment topic in one transaction: each chunk
 * is checked against the signed descriptor and recorded once (AttachmentArrivals). A refused
 * chunk is recorded (once per position, metadata and digest only, and in the ledger) and the
 * partition moves on; if the batch's transaction fails, each chunk is recorded alone and one
 * whose own recording fails becomes a `recording_failed` refusal. Only a failure of the database
 * or a dependency fails the batch, which the consumer then retries in place.
 */
@Injectable()
export class ChunkHandler {
  private readonly log = new Logger('Attachments');

  constructor(
    private readonly unit: UnitOfWork,
    private readonly arrivals: AttachmentArrivals,
    private readonly repository: AttachmentsRepository,
    private readonly metrics: AttachmentsMetrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async handleBatch(messages: InboundMessage[]): Promise<void> {
    const outcomes = await writeTogetherOrAlone(messages, (group) => this.unit.run((tx, pending) => this.record(tx, pending, group), 'attachments'));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue;
      if (mustRetryBatch(outcome.reason)) throw outcome.reason;
      const message = messages[i];
      const reason = `recording the chunk failed (${describeFailure(outcome.reason)})`;
      this.log.error(`${message.topic}/${message.partition}@${message.offset}: ${reason}; refused so the partition moves on`);
      await this.unit.run((tx, pending) => this.refuse(tx, pending, message, 'recording_failed', reason), 'attachments');
    }
  }

  private async record(tx: Queryable, pending: PendingWrites, messages: InboundMessage[]): Promise<void> {
    // Chunks of one attachment are decided and written together (one lock, a few statements).
    const groups = new Map<string, { message: InboundMessage; address: ChunkAddress; bytes: Buffer }[]>();
    for (const message of messages) {
      const parsed = parseChunkHeaders(message.headers);
      if (!parsed.ok) {
        await this.refuse(tx, pending, message, parsed.code, parsed.detail);
        continue;
      }
      const key = chunkMessageKey(parsed.address.sender, parsed.address.attachment);
      const group = groups.get(key) ?? [];
      group.push({ message, address: parsed.address, bytes: message.value ?? Buffer.alloc(0) });
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const outcomes = await this.arrivals.chunks(tx, pending, group);
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.effect === 'refused') await this.refuse(tx, pending, group[i].message, outcome.code, outcome.detail);
        else this.metrics.chunks.inc({ effect: outcome.effect, code: '' });
      }
    }
  }

  /** Records a refused chunk message once per topic position: a row, a ledger entry, a count. */
  private async refuse(tx: Queryable, pending: PendingWrites, message: InboundMessage, code: string, detail: string): Promise<void> {
    const sender = message.headers[HEADER_CHUNK_SENDER];
    const attachment = message.headers[HEADER_CHUNK_ATTACHMENT];
    const index = Number(message.headers[HEADER_CHUNK_INDEX] ?? NaN);
    const claimedSender = isAgencyCode(sender) ? sender : null;
    const attachmentId = isUuidV7(attachment) ? attachment : null;
    const digest = sha256Hex(message.value ?? Buffer.alloc(0));
    const fresh = await this.repository.insertRefusedChunk(tx, {
      partition: message.partition, offset: message.offset, claimedSender, attachmentId, index: Number.isSafeInteger(index) && index >= 0 && index < 2 ** 31 ? index : null,
      code, detail: detail.slice(0, MAX_DETAIL), digest, at: this.clock.now(),
    });
    if (!fresh) return;
    pending.ledger.push(refusedChunkEntry(claimedSender, attachmentId, digest, code, detail));
    this.metrics.chunks.inc({ effect: 'refused', code });
    this.log.warn(`refused chunk at ${message.partition}@${message.offset}: ${code}`);
  }
}
