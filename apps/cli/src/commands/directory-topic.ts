import { randomUUID } from 'crypto';
import { Directory, PublicOkpJwk, verifyDirectory } from '@liaison/envelope';
import { createKafka, KafkaBatchConsumer, KafkaSettings } from '@liaison/transport';

/**
 * Broker clients for a one-shot command: few retries, and kafkajs's own log off (0 = NOTHING):
 * the command reports the cause itself, in one line.
 */
export function commandKafka(settings: KafkaSettings) {
  return createKafka(settings, { retry: { initialRetryTime: 200, retries: 2 }, logLevel: 0 });
}

export interface TopicDirectory {
  directory: Directory;
  jws: string;
}

/**
 * The highest-serial directory on the topic that verifies under the root (records that do not
 * verify are skipped), or null when there is none. Reads the topic — compacted, so short — from
 * its beginning up to the end offsets it had when asked, through a throwaway consumer group under
 * the principal's prefix.
 */
export async function latestVerifiedOnTopic(
  settings: KafkaSettings,
  topic: string,
  groupPrefix: string,
  root: PublicOkpJwk,
  timeoutMs = 20000,
): Promise<TopicDirectory | null> {
  const kafka = commandKafka(settings);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return null;
  const pending = new Set(ends.keys());
  const consumer = new KafkaBatchConsumer(kafka, { groupId: `${groupPrefix}directory-publish-check.${randomUUID()}`, topic, fromBeginning: true });
  let best: TopicDirectory | null = null;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.start(async (batch) => {
      for (const message of batch) {
        if (message.value) {
          const jws = message.value.toString('utf8').trim();
          const verified = await verifyDirectory(jws, root);
          if (verified.ok && (!best || verified.directory.serial >= best.directory.serial)) best = { directory: verified.directory, jws };
        }
        if (BigInt(message.offset) + 1n >= (ends.get(message.partition) ?? 0n)) pending.delete(message.partition);
      }
      if (pending.size === 0) done();
    });
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    if ((await Promise.race([finished, timedOut])) === 'timeout') {
      throw new Error(`could not read ${topic} to its end within ${timeoutMs} ms`);
    }
  } finally {
    clearTimeout(timer);
    await consumer.stop().catch(() => undefined);
  }
  return best;
}
