import { Kafka, ProducerBatch, ProducerConfig } from 'kafkajs';
import { KafkaPublisher } from './kafka-clients';

/** A kafkajs stand-in that records the producer's configuration and every batch sent. */
function recordingKafka() {
  const seen: { config?: ProducerConfig; batches: ProducerBatch[] } = { batches: [] };
  const kafka = {
    producer(config: ProducerConfig) {
      seen.config = config;
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        sendBatch: async (batch: ProducerBatch) => {
          seen.batches.push(batch);
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, seen };
}

describe('KafkaPublisher', () => {
  it('asks for acks=all on every batch: the broker acknowledges only once min.insync.replicas replicas hold it', async () => {
    const { kafka, seen } = recordingKafka();
    const publisher = new KafkaPublisher(kafka);
    await publisher.publish([{ topic: 'p.inbox.ES', key: 'a', value: Buffer.from('1'), headers: {} }]);
    await publisher.publish([
      { topic: 'p.inbox.ES', key: 'b', value: Buffer.from('2'), headers: {} },
      { topic: 'p.inbox.CO', key: 'c', value: Buffer.from('3'), headers: {} },
    ]);
    expect(seen.batches).toHaveLength(2);
    for (const batch of seen.batches) expect(batch.acks).toBe(-1);
    expect(seen.batches[1].topicMessages?.map((t) => t.topic)).toEqual(['p.inbox.ES', 'p.inbox.CO']);
  });

  it('keeps its producer settings: retries, no topic auto-creation, and not the (experimental) idempotent mode, since receivers record by message id', () => {
    const { kafka, seen } = recordingKafka();
    new KafkaPublisher(kafka);
    expect(seen.config).toMatchObject({ allowAutoTopicCreation: false, retry: { retries: 5 } });
    expect(seen.config?.idempotent).toBeFalsy();
    expect(seen.config?.transactionalId).toBeUndefined();
  });
});
