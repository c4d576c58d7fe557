import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OutboundMessage } from '@liaison/transport';
import { Transactions } from '../persistence/transactions';
import { PUBLISHER, Publisher } from '../tokens';
import { ExchangeMetrics } from './exchange.metrics';
import { ExchangeRepository } from './exchange.repository';
import { nextPollDelay, OUTBOX_POLL, OutboxSignal } from './outbox-signal';

const BATCH = 500;
const MAX_BACKOFF_MS = 5000;

/**
 * Publishes outbox rows to Kafka and deletes them once the broker acknowledged them (acks=all).
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas share the work without sending a
 * row twice; a crash between publish and delete re-sends it, which receivers ignore by id.
 * A Kafka outage only delays: the rows stay until the broker is back. A commit in this process
 * wakes the relay (OutboxSignal); without one it looks again after a wait that grows while it
 * finds nothing (OUTBOX_POLL), which is how rows of a crashed replica or an earlier run are found.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('OutboxRelay');
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ExchangeRepository,
    @Inject(PUBLISHER) private readonly publisher: Publisher,
    private readonly signal: OutboxSignal,
    private readonly metrics: ExchangeMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.signal.notify();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    let poll: number = OUTBOX_POLL.minMs;
    while (this.running) {
      try {
        const sent = await this.relayOnce();
        backoff = 100;
        if (sent >= BATCH) continue;
        poll = nextPollDelay(poll, sent > 0);
        await this.signal.wait(poll);
      } catch (error) {
        this.log.warn(`outbox relay paused ${backoff} ms: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Publishes one batch; returns how many rows it sent. */
  async relayOnce(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const rows = await this.repository.claimOutbox(tx, BATCH);
      if (rows.length === 0) {
        this.metrics.outboxBacklog.set(0);
        return 0;
      }
      const messages: OutboundMessage[] = rows.map((r) => ({ topic: r.topic, key: r.key, value: r.value, headers: r.headers }));
      await this.publisher.publish(messages);
      await this.repository.deleteOutbox(tx, rows.map((r) => r.id));
      for (const m of messages) this.metrics.sent.inc({ topic_kind: m.topic.includes('.dead-letter.') ? 'dead-letter' : 'inbox' });
      return rows.length;
    }, 'relay');
  }
}
