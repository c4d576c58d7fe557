import { randomBytes } from 'crypto';
import { join } from 'path';
import { Kafka } from 'kafkajs';
import { EnvReader } from '@liaison/config';
import { createKafka, federationTopics, FederationTopics, kafkaSettingsFromEnv, KafkaSettings, provisionFederation } from '@liaison/transport';
import { localSecrets, STATE_DIR } from './local-secrets';

/** Settings for one principal of the local broker, built the way a node builds them: from env. */
export function principalSettings(principal: string, overrides: Record<string, string> = {}): KafkaSettings {
  const secrets = localSecrets();
  const password = principal === secrets.KAFKA_ADMIN_USER ? secrets.KAFKA_ADMIN_PASSWORD : secrets[`KAFKA_PASSWORD_${principal}`];
  return kafkaSettingsFromEnv(
    new EnvReader({ KAFKA_BROKERS: `127.0.0.1:${process.env.KAFKA_PORT ?? 19092}`, KAFKA_USERNAME: principal, KAFKA_PASSWORD: password, ...overrides }),
    `liaison-test-${principal}`,
  );
}

export function adminKafka(): Kafka {
  return createKafka(principalSettings(localSecrets().KAFKA_ADMIN_USER));
}

export const TLS_CA_FILE = join(STATE_DIR, 'kafka', 'tls', 'ca.pem');

/** A federation of its own for one test file: a unique topic prefix, topics and ACLs provisioned. */
export async function provisionTestFederation(agencies: string[], inboxPartitions = 3): Promise<FederationTopics> {
  const topics = federationTopics(`t${randomBytes(4).toString('hex')}`);
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    await provisionFederation(admin, { topics, agencies, inboxPartitions });
  } finally {
    await admin.disconnect();
  }
  await untilAclsApply(topics, agencies);
  return topics;
}

/**
 * ACLs reach the broker's authorizer through the metadata log, asynchronously: wait until every
 * agency's own credentials can see its inbox and write to another's before the test uses them.
 */
async function untilAclsApply(topics: FederationTopics, agencies: string[]): Promise<void> {
  for (const agency of agencies) {
    const other = agencies.find((a) => a !== agency) ?? agency;
    const admin = createKafka(principalSettings(agency), { retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.fetchTopicMetadata({ topics: [topics.inbox(agency), topics.inbox(other)] });
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }
}

export async function deleteTestTopics(topics: FederationTopics): Promise<void> {
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${topics.prefix}.`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}
