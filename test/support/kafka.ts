import { randomBytes } from 'crypto';
import { join } from 'path';
import { Kafka } from 'kafkajs';
import { createKafka, federationTopics, FederationTopics, KafkaSettings } from '@liaison/transport';
import { deleteTopics, principalFromSecrets, provisionTopics } from '@liaison/federation';
import { localSecrets, STATE_DIR } from './local-secrets';

/** Settings for one principal of the local broker, built the way a node builds them: from env. */
export function principalSettings(principal: string, overrides: Record<string, string> = {}): KafkaSettings {
  return principalFromSecrets(localSecrets(), principal, `liaison-test-${principal}`, overrides);
}

export function adminKafka(): Kafka {
  return createKafka(principalSettings(localSecrets().KAFKA_ADMIN_USER));
}

export const TLS_CA_FILE = join(STATE_DIR, 'kafka', 'tls', 'ca.pem');

/** A federation of its own for one test file: a unique topic prefix, topics and ACLs provisioned. */
export async function provisionTestFederation(agencies: string[], inboxPartitions = 3): Promise<FederationTopics> {
  const topics = federationTopics(`t${randomBytes(4).toString('hex')}`);
  await provisionTopics(principalSettings(localSecrets().KAFKA_ADMIN_USER), (a) => principalSettings(a), topics, agencies, inboxPartitions);
  return topics;
}

export function deleteTestTopics(topics: FederationTopics): Promise<void> {
  return deleteTopics(principalSettings(localSecrets().KAFKA_ADMIN_USER), topics);
}
