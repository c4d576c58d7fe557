// kafkajs alone on the bench's broker: the ceiling the pipeline is compared with. One loop for
// every message shape the bench measures (envelope-sized notices, attachment chunks): produced
// with acks=all on topics of its own, consumed back by one consumer, for a fixed time.
import { createKafka } from '@liaison/transport';
import { adminSettings } from './federation';
import { Progress, round } from './measure';

const MB = 1_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RawSpec {
  label: string;
  /** Created for the run (and deleted after it), each with `partitions` partitions. */
  topics: string[];
  partitions: number;
  value: Buffer | string;
  /** The key and headers of one message to `topic`. */
  message: (topic: string) => { key: string; headers: Record<string, string> };
  /** Messages per topic in one produce request (the broker takes at most 1 MiB per record batch). */
  batch: number;
  /** Produce requests awaited at once. */
  inFlight: number;
  seconds: number;
  /** The consumer's fetch per partition (kafkajs's default is 1 MiB: four chunks). */
  maxBytesPerPartition?: number;
}

export interface RawResult {
  messages: number;
  bytes: number;
  producedPerSecond: number;
  endToEndPerSecond: number;
  /** Value bytes produced and consumed end to end, per second (MB = 10^6 bytes). */
  endToEndMBPerSecond: number;
  seconds: number;
}

export async function rawTransport(spec: RawSpec, progress: Progress): Promise<RawResult> {
  const kafka = createKafka(adminSettings(), { clientId: 'liaison-bench-raw' });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: spec.topics.map((topic) => ({ topic, numPartitions: spec.partitions, replicationFactor: 1 })), waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${spec.topics[0]}.group`, maxBytes: 16 * 1024 * 1024, maxBytesPerPartition: spec.maxBytesPerPartition });
  await producer.connect();
  await consumer.connect();
  for (const topic of spec.topics) await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  let lastConsumed = 0;
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length;
      lastConsumed = Date.now();
    },
  });
  await sleep(3000); // group join
  let produced = 0;
  const start = Date.now();
  const end = start + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.inFlight }, async () => {
      while (Date.now() < end) {
        const topicMessages = spec.topics.map((topic) => ({
          topic,
          messages: Array.from({ length: spec.batch }, () => ({ ...spec.message(topic), value: spec.value })),
        }));
        await producer.sendBatch({ acks: -1, topicMessages });
        produced += spec.batch * spec.topics.length;
        progress.update(spec.label, (Date.now() - start) / (spec.seconds * 1000), `${produced} produced, ${consumed} consumed`);
      }
    }),
  );
  const producedAt = Date.now();
  const deadline = Date.now() + 60_000;
  while (consumed < produced && Date.now() < deadline) await sleep(100);
  await consumer.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: spec.topics }).catch(() => undefined);
  await admin.disconnect();
  const bytes = Buffer.byteLength(spec.value);
  const seconds = (lastConsumed - start) / 1000;
  return {
    messages: produced,
    bytes,
    producedPerSecond: round(produced / ((producedAt - start) / 1000)),
    endToEndPerSecond: round(consumed / seconds),
    endToEndMBPerSecond: round((consumed * bytes) / MB / seconds, 1),
    seconds: round(seconds, 1),
  };
}
