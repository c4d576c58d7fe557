import { CompressionTypes, Consumer, IHeaders, Kafka, Partitioners, Producer } from 'kafkajs';
import { BatchHandler, InboundMessage, MessageConsumer, MessagePublisher, OutboundMessage } from './messages';

function headerStrings(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // A header repeated or binary is kept as its first value, as text: the envelope checks decide.
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** Attempts of one publish (the whole batch each time) before the caller hears of the failure. */
export const PUBLISH_ATTEMPTS = 6;
const PUBLISH_RETRY_MS = 200;

export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(kafka: Kafka, private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {
    // Not idempotent: kafkajs marks it experimental. Duplicates are harmless because every
    // receiver records by message id (see docs/PROTOCOL.md, "Delivery semantics").
    // The default (murmur2, Java-compatible) partitioner: a message id always maps to the
    // partition a Java client would choose.
    // kafkajs's own retry is off: when a leader dies mid-batch it retries only the brokers that
    // had not answered yet, so partitions that moved to a broker that had answered are never sent
    // while the send still resolves (tulios/kafkajs#1303; seen in test/e2e/fault-cluster.spec.ts).
    // publish() retries the whole batch instead.
    this.producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 }, createPartitioner: Partitioners.DefaultPartitioner });
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    return this.connected;
  }

  /**
   * Resolves once the broker acknowledged every message with acks=all (every in-sync replica has
   * it, at least min.insync.replicas of them). A failure sends the whole batch again, up to
   * PUBLISH_ATTEMPTS times; what was written before the failure is then written twice.
   */
  async publish(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    const topicMessages = [...byTopic].map(([topic, batch]) => ({
      topic,
      messages: batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connect();
        await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages });
        return;
      } catch (error) {
        if (attempt >= PUBLISH_ATTEMPTS) throw error;
        await this.pause(PUBLISH_RETRY_MS * 2 ** (attempt - 1));
      }
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}

export interface ConsumerOptions {
  groupId: string;
  topic: string;
  /** Where a new group starts; inboxes start at the beginning so nothing sent before is missed. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  /** Partitions whose batches are handled at the same time (each batch is its own transaction). Default 1. */
  partitionsConcurrently?: number;
  /**
   * What to do when the handler fails: without it the failure goes to kafkajs, which restarts the
   * whole consumer (a crash loop when it fails every time). With it the same batch is handled
   * again, in place, after the wait the policy says, keeping the group session alive meanwhile.
   */
  retry?: BatchRetryPolicy;
}

/** Decides the wait before a failed batch is handled again, and hears when one succeeded. */
export interface BatchRetryPolicy {
  /** The handler failed on a batch of `partition`: milliseconds to wait before handling it again. */
  failed(error: unknown, partition: number): number;
  succeeded(partition: number): void;
}

/** A wait is cut into steps this long, so a stop or a lost partition ends it promptly. */
const WAIT_STEP_MS = 250;

export class KafkaBatchConsumer implements MessageConsumer {
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, private readonly options: ConsumerOptions) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
  }

  async start(handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const messages: InboundMessage[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key,
          value: m.value,
          headers: headerStrings(m.headers),
          timestamp: m.timestamp,
        }));
        // kafkajs heartbeats only between handler calls: keep the session alive while a large
        // batch is being recorded (or waits to be retried). A failed heartbeat (a rebalance) means
        // the partition may no longer be ours: a retry stops waiting and leaves the batch.
        let lost = false;
        const beat = setInterval(() => void heartbeat().catch(() => void (lost = true)), 2000);
        let handled: boolean;
        try {
          handled = await this.handle(handler, messages, () => isRunning() && !isStale() && !lost);
        } finally {
          clearInterval(beat);
        }
        // Stopped or revoked while waiting: nothing resolved or committed, the batch is read again.
        if (!handled) return;
        const last = messages[messages.length - 1];
        // Only after the handler succeeded: the fetcher moves on (resolveOffset), and the group
        // remembers it (commitOffsets is given exactly the next offset to read: last + 1).
        resolveOffset(last.offset);
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
      },
    });
  }

  /** Handles the batch, again after each failure if there is a retry policy; false when it gave up waiting. */
  private async handle(handler: BatchHandler, messages: InboundMessage[], live: () => boolean): Promise<boolean> {
    const { retry } = this.options;
    const partition = messages[0].partition;
    for (;;) {
      try {
        await handler(messages);
        retry?.succeeded(partition);
        return true;
      } catch (error) {
        if (!retry) throw error;
        const until = Date.now() + retry.failed(error, partition);
        while (Date.now() < until) {
          if (!live()) return false;
          await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_STEP_MS, until - Date.now())));
        }
        if (!live()) return false;
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Readiness (the broker answers this principal) and consumer lag, for health and metrics. */
export interface BrokerProbe {
  check(): Promise<void>;
  /** Messages behind the high watermark, per partition, for a group on a topic. */
  lag(groupId: string, topic: string): Promise<Map<number, number>>;
}

export class KafkaBrokerProbe implements BrokerProbe {
  constructor(private readonly kafka: Kafka) {}

  async check(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  }

  async lag(groupId: string, topic: string): Promise<Map<number, number>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const lag = new Map<number, number>();
      for (const end of ends) {
        const done = committed?.partitions.find((p) => p.partition === end.partition);
        // -1: nothing committed yet, so everything up to the high watermark is behind.
        const from = done && done.offset !== '-1' ? BigInt(done.offset) : BigInt(end.low);
        lag.set(end.partition, Number(BigInt(end.high) - from));
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }
}
