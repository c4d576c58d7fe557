import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { chunkHeaders, chunkMessageKey } from '@liaison/attachments';
import { FederationTopics, OutboundMessage } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { Transaction, Transactions } from '../persistence/transactions';
import { Clock, NODE_CONFIG, PUBLISHER, Publisher } from '../tokens';
import { AttachmentsMetrics } from './attachments.metrics';
import { AttachmentsRepository, TransferRow } from './attachments.repository';

/** Transfers served per round, one chunk each per publish: chunks of one attachment share a partition, and a record batch must stay under the broker's 1 MiB. */
const TRANSFERS_PER_ROUND = 3;
/** Chunks of each transfer published in one claim before the transfers are claimed again (fairness among transfers, a bounded transaction). */
const CHUNKS_PER_CLAIM = 8;
const IDLE_MS = 500;
const MAX_BACKOFF_MS = 5000;

/**
 * The chunk outbox: publishes each transfer's chunks, from where it stands, to its recipient's
 * attachment topic, and moves the transfer on once the broker acknowledged (acks=all). A Kafka
 * outage only delays (the transfer stays where it was); a sender killed mid-transfer resumes from
 * the last acknowledged chunk (the receiver ignores a chunk it already has). Chunks go on their
 * own topic, through this loop of their own, so a 50 MB transfer never waits in front of the
 * small notices of the inbox topic (OutboxRelay). Holds at most one round of chunks in memory.
 */
@Injectable()
export class ChunkRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ChunkRelay');
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: AttachmentsRepository,
    @Inject(PUBLISHER) private readonly publisher: Publisher,
    private readonly topics: FederationTopics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly metrics: AttachmentsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }

  /** A send queued transfers: look now instead of after the idle wait. */
  notify(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        const published = await this.relayOnce();
        backoff = 100;
        if (published === 0) await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_MS);
          this.wake = () => (clearTimeout(timer), resolve());
        });
      } catch (error) {
        this.log.warn(`chunk relay paused ${backoff} ms: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Claims up to TRANSFERS_PER_ROUND transfers and publishes up to CHUNKS_PER_CLAIM chunks of each; returns how many chunks it published. */
  async relayOnce(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const transfers = await this.repository.claimTransfers(tx, TRANSFERS_PER_ROUND);
      let published = 0;
      const next = new Map(transfers.map((t) => [t, t.nextChunk]));
      for (let round = 0; round < CHUNKS_PER_CLAIM; round++) {
        const due = transfers.filter((t) => (next.get(t) as number) < t.chunks);
        if (due.length === 0) break;
        const messages = await Promise.all(due.map((t) => this.message(tx, t, next.get(t) as number)));
        await this.publisher.publish(messages);
        for (const t of due) next.set(t, (next.get(t) as number) + 1);
        published += due.length;
        this.metrics.chunksPublished.inc(due.length);
      }
      const now = this.clock.now();
      for (const t of transfers) if (next.get(t) !== t.nextChunk) await this.repository.advanceTransfer(tx, t.attachmentId, t.recipient, next.get(t) as number, now);
      return published;
    }, 'relay');
  }

  private async message(tx: Transaction, t: TransferRow, index: number): Promise<OutboundMessage> {
    const me = this.config.agency;
    const value = await this.repository.chunk(tx, me, t.attachmentId, index);
    if (!value) throw new Error(`chunk ${index} of attachment ${t.attachmentId} is missing from storage`);
    return {
      topic: this.topics.attachments(t.recipient),
      key: chunkMessageKey(me, t.attachmentId),
      value,
      headers: chunkHeaders({ sender: me, recipient: t.recipient, notice: t.noticeId, attachment: t.attachmentId, index }),
    };
  }
}
