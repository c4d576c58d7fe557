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

export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(kafka: Kafka) {
    // Not idempotent: kafkajs marks it experimental. Duplicates are harmless because every
    // receiver records by message id (see docs/PROTOCOL.md, "Delivery semantics").
    // The default (murmur2, Java-compatible) partitioner: a message id always maps to the
    // partition a Java client would choose.
    this.producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 5 }, createPartitioner: Partitioners.DefaultPartitioner });
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    return this.connected;
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, batch]) => ({
        topic,
        messages: batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
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
}

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
        // batch is being recorded.
        const beat = setInterval(() => void heartbeat().catch(() => undefined), 2000);
        try {
          await handler(messages);
        } finally {
          clearInterval(beat);
        }
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
