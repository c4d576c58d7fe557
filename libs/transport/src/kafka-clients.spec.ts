import { Kafka, ProducerBatch, ProducerConfig } from 'kafkajs';
import { KafkaPublisher, PUBLISH_ATTEMPTS } from './kafka-clients';

const noPause = async () => undefined;

/** A kafkajs stand-in that records the producer's configuration and every batch sent. */
function recordingKafka(failures = 0) {
  const seen: { config?: ProducerConfig; batches: ProducerBatch[] } = { batches: [] };
  let failing = failures;
  const kafka = {
    producer(config: ProducerConfig) {
      seen.config = config;
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        sendBatch: async (batch: ProducerBatch) => {
          seen.batches.push(batch);
          if (failing-- > 0) throw new Error('NOT_LEADER_OR_FOLLOWER');
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
    const publisher = new KafkaPublisher(kafka, noPause);
    await publisher.publish([{ topic: 'p.inbox.ES', key: 'a', value: Buffer.from('1'), headers: {} }]);
    await publisher.publish([
      { topic: 'p.inbox.ES', key: 'b', value: Buffer.from('2'), headers: {} },
      { topic: 'p.inbox.CO', key: 'c', value: Buffer.from('3'), headers: {} },
    ]);
    expect(seen.batches).toHaveLength(2);
    for (const batch of seen.batches) expect(batch.acks).toBe(-1);
    expect(seen.batches[1].topicMessages?.map((t) => t.topic)).toEqual(['p.inbox.ES', 'p.inbox.CO']);
  });

  it('keeps its producer settings: kafkajs retries off, no topic auto-creation, and not the (experimental) idempotent mode, since receivers record by message id', () => {
    const { kafka, seen } = recordingKafka();
    new KafkaPublisher(kafka);
    expect(seen.config).toMatchObject({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    expect(seen.config?.idempotent).toBeFalsy();
    expect(seen.config?.transactionalId).toBeUndefined();
  });

  it('sends the whole batch again after a failure (kafkajs would resend only part of it: tulios/kafkajs#1303), then gives up', async () => {
    const messages = [
      { topic: 'p.inbox.ES', key: 'a', value: Buffer.from('1'), headers: {} },
      { topic: 'p.inbox.ES', key: 'b', value: Buffer.from('2'), headers: {} },
    ];
    const retried = recordingKafka(2);
    await new KafkaPublisher(retried.kafka, noPause).publish(messages);
    expect(retried.seen.batches).toHaveLength(3);
    for (const batch of retried.seen.batches) {
      expect(batch.acks).toBe(-1);
      expect(batch.topicMessages?.[0].messages.map((m) => m.key)).toEqual(['a', 'b']);
    }
    const down = recordingKafka(PUBLISH_ATTEMPTS);
    await expect(new KafkaPublisher(down.kafka, noPause).publish(messages)).rejects.toThrow('NOT_LEADER_OR_FOLLOWER');
    expect(down.seen.batches).toHaveLength(PUBLISH_ATTEMPTS);
  });
});
