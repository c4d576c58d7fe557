import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConsumerOptions, FederationTopics, MessageConsumer } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { ConsumerFactory, NODE_CONFIG } from '../tokens';
import { ExchangeMetrics } from './exchange.metrics';
import { InboxProcessor } from './inbox.processor';

/** Consumes the agency's inbox in batches; replicas of a node share its partitions through one group. */
@Injectable()
export class InboxConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('InboxConsumer');
  private consumer: MessageConsumer | null = null;

  constructor(
    private readonly consumers: ConsumerFactory,
    private readonly processor: InboxProcessor,
    private readonly topics: FederationTopics,
    private readonly metrics: ExchangeMetrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Each partition's batch is its own transaction and receipts are idempotent by id, so the
    // partitions of the inbox are handled concurrently (as replicas of a node would handle them):
    // one at a time left the database and the crypto pool idle between batches.
    const options: ConsumerOptions = {
      groupId: this.topics.inboxGroup(this.config.agency),
      topic: this.topics.inbox(this.config.agency),
      fromBeginning: true,
      partitionsConcurrently: this.config.inboxPartitions,
    };
    this.consumer = this.consumers.create(options);
    await this.consumer.start(async (batch) => {
      await this.processor.handleBatch(batch);
      const now = Date.now();
      for (const m of batch) this.metrics.inboxLatency.observe(Math.max(0, now - Number(m.timestamp)) / 1000);
    });
    this.log.log(`consuming ${this.topics.inbox(this.config.agency)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
