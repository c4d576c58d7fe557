import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { chunkHeaders, chunkMessageKey } from '@liaison/attachments';
import { FederationTopics, OutboundMessage } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { eachInFlight } from '../in-flight';
import { Transaction, Transactions } from '../persistence/transactions';
import { CHUNK_PUBLISHER, Clock, NODE_CONFIG, Publisher } from '../tokens';
import { AttachmentsMetrics } from './attachments.metrics';
import { AttachmentsRepository, TransferRow } from './attachments.repository';

/** Transfers served per claim, their chunks side by side in the same produce requests (each transfer's on its own partition). */
const TRANSFERS_PER_CLAIM = 3;
/** Chunks of one transfer in one produce request: their record batch (one partition) stays under the broker's default 1 MiB message.max.bytes. */
const CHUNKS_PER_REQUEST = 3;
/**
 * Produce requests in flight at a time: the next request's chunks are read while earlier ones
 * wait for their acks=all answer (one request at a time left the relay at a fraction of the
 * transport's throughput). Bounds the chunks in memory: REQUESTS_IN_FLIGHT × CHUNKS_PER_REQUEST per transfer.
 */
const REQUESTS_IN_FLIGHT = 4;
/** Chunks of each transfer published per claim before the transfers are claimed again (fairness among transfers, a bounded transaction). */
const CHUNKS_PER_CLAIM = 48;
const IDLE_MS = 500;
const MAX_BACKOFF_MS = 5000;

/**
 * The chunk outbox: publishes each transfer's chunks, from where it stands, to its recipient's
 * attachment topic, and moves the transfer on once the broker acknowledged (acks=all). A Kafka
 * outage only delays (the transfer stays where it was); a sender killed mid-transfer resumes from
 * the end of its last claim whose chunks were all acknowledged (the receiver ignores a chunk it
 * already has). Chunks go on their
 * own topic, through this loop of their own, so a 50 MB transfer never waits in front of the
 * small notices of the inbox topic (OutboxRelay), on a producer of its own. Holds at most the
 * chunks of the requests in flight in memory (REQUESTS_IN_FLIGHT × CHUNKS_PER_REQUEST of 256 KiB
 * per transfer, less when recipients share a file).
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
    @Inject(CHUNK_PUBLISHER) private readonly publisher: Publisher,
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

  /** Claims up to TRANSFERS_PER_CLAIM transfers and publishes up to CHUNKS_PER_CLAIM chunks of each; returns how many chunks it published. */
  async relayOnce(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const transfers = await this.repository.claimTransfers(tx, TRANSFERS_PER_CLAIM);
      if (transfers.length === 0) return 0;
      await this.repository.commitWithoutFlush(tx);
      const ends = transfers.map((t) => Math.min(t.nextChunk + CHUNKS_PER_CLAIM, t.chunks));
      const requests = Math.ceil(Math.max(0, ...transfers.map((t, i) => ends[i] - t.nextChunk)) / CHUNKS_PER_REQUEST);
      let published = 0;
      await eachInFlight(requests, REQUESTS_IN_FLIGHT, async (k) => {
        const messages = await this.request(tx, transfers, ends, k);
        await this.publisher.publish(messages);
        published += messages.length;
        this.metrics.chunksPublished.inc(messages.length);
      });
      const now = this.clock.now();
      for (const [i, t] of transfers.entries()) if (ends[i] !== t.nextChunk) await this.repository.advanceTransfer(tx, t.attachmentId, t.recipient, ends[i], now);
      return published;
    }, 'relay');
  }

  /** Produce request `k` of a claim: chunks nextChunk + k·CHUNKS_PER_REQUEST onwards of each transfer that has them, read from storage. */
  private async request(tx: Transaction, transfers: TransferRow[], ends: number[], k: number): Promise<OutboundMessage[]> {
    const me = this.config.agency;
    const messages: OutboundMessage[] = [];
    // Recipients of one file usually stand at the same chunk: their stretch is read once.
    const read = new Map<string, { index: number; bytes: Buffer }[]>();
    for (const [i, t] of transfers.entries()) {
      const from = t.nextChunk + k * CHUNKS_PER_REQUEST;
      const to = Math.min(from + CHUNKS_PER_REQUEST, ends[i]);
      if (from >= to) continue;
      const key = `${t.attachmentId}/${from}/${to}`;
      const chunks = read.get(key) ?? (await this.repository.chunkRange(tx, me, t.attachmentId, from, to));
      read.set(key, chunks);
      if (chunks.length !== to - from) throw new Error(`chunks ${from} to ${to - 1} of attachment ${t.attachmentId} are not all in storage`);
      for (const c of chunks) messages.push(this.message(t, c.index, c.bytes));
    }
    return messages;
  }

  private message(t: TransferRow, index: number, value: Buffer): OutboundMessage {
    const me = this.config.agency;
    return {
      topic: this.topics.attachments(t.recipient),
      key: chunkMessageKey(me, t.attachmentId),
      value,
      headers: chunkHeaders({ sender: me, recipient: t.recipient, notice: t.noticeId, attachment: t.attachmentId, index }),
    };
  }
}
