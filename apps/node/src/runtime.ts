import { readFile } from 'fs/promises';
import { Logger } from '@nestjs/common';
import { kafkaLogCreator } from './json-logger';
import { DataSource } from 'typeorm';
import { AgencyKeyring, EnvelopeOpener, EnvelopeSealer, ReplayGuard, TrustStore, openPrivateKeys } from '@liaison/envelope';
import { validateBodyForEnvelope } from '@liaison/notices';
import { BrokerProbe, createKafka, federationTopics, FederationTopics, KafkaBatchConsumer, KafkaBrokerProbe, KafkaPublisher } from '@liaison/transport';
import { NodeConfig } from './config/node-config';
import { DatabaseDirectoryCache } from './directory/directory.service';
import { createDataSource, migrate } from './persistence/data-source';
import { ensureDatabase } from './persistence/database';
import { ConsumerFactory } from './tokens';

/** Everything with a connection or a key, opened once before the Nest container starts. */
export interface NodeRuntime {
  config: NodeConfig;
  dataSource: DataSource;
  keyring: AgencyKeyring;
  trust: TrustStore;
  broker: BrokerProbe;
  publisher: KafkaPublisher;
  topics: FederationTopics;
  consumers: ConsumerFactory;
}

export class KafkaConsumerFactory extends ConsumerFactory {
  constructor(private readonly kafka: ReturnType<typeof createKafka>) {
    super();
  }

  create(options: { groupId: string; topic: string; fromBeginning?: boolean }) {
    return new KafkaBatchConsumer(this.kafka, options);
  }
}

/**
 * Start order: database (created if missing) → migrations as the owner → connection as the
 * least-privileged app role → the agency's keys (decrypted once, imported once) → the last
 * verified directory → Kafka clients. Any failure stops the start with the reason.
 */
export async function openRuntime(config: NodeConfig): Promise<NodeRuntime> {
  const log = new Logger('Runtime');
  await ensureDatabase(config.databaseUrl, config.databaseName);
  const applied = await migrate(config.databaseUrl);
  if (applied.length) log.log(`applied migrations: ${applied.join(', ')}`);
  const dataSource = createDataSource(config.appDatabaseUrl, { applicationName: `liaison-node-${config.agency}` });
  await dataSource.initialize();
  let keyring: AgencyKeyring;
  let trust: TrustStore;
  try {
    keyring = await openKeyring(config);
    trust = new TrustStore(config.directoryRootJwk as never, new DatabaseDirectoryCache(dataSource));
    await trust.init();
  } catch (error) {
    await dataSource.destroy(); // a refused start leaves no connection behind
    throw error;
  }
  const kafka = createKafka(config.kafka, { logCreator: kafkaLogCreator() });
  return {
    config,
    dataSource,
    keyring,
    trust,
    broker: new KafkaBrokerProbe(kafka),
    publisher: new KafkaPublisher(kafka),
    topics: federationTopics(config.kafka.topicPrefix),
    consumers: new KafkaConsumerFactory(kafka),
  };
}

async function openKeyring(config: NodeConfig): Promise<AgencyKeyring> {
  const keyFile = await readFile(config.keyFile, 'utf8').catch(() => {
    throw new Error(`configuration: LIAISON_KEY_FILE cannot be read: ${config.keyFile}`);
  });
  const keys = await openPrivateKeys(keyFile, config.keySecret);
  if (keys.agency !== config.agency) throw new Error(`configuration: LIAISON_KEY_FILE holds keys of ${keys.agency}, not ${config.agency}`);
  return AgencyKeyring.import(keys);
}

export function createSealer(runtime: NodeRuntime): EnvelopeSealer {
  return new EnvelopeSealer(runtime.keyring, runtime.trust);
}

export function createOpener(runtime: NodeRuntime, replay: ReplayGuard): EnvelopeOpener {
  return new EnvelopeOpener({
    agency: runtime.config.agency,
    keyring: runtime.keyring,
    trust: runtime.trust,
    replay,
    validateBody: validateBodyForEnvelope,
    maxBytes: runtime.config.maxEnvelopeBytes,
    clockSkewSeconds: runtime.config.clockSkewSeconds,
  });
}
