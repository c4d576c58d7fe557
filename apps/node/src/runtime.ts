import { readFile } from 'fs/promises';
import { Logger } from '@nestjs/common';
import { kafkaLogCreator } from './json-logger';
import { AgencyKeyring, EnvelopeOpener, EnvelopeSealer, PublicOkpJwk, TrustStore, openPrivateKeys } from '@liaison/envelope';
import { validateBodyForEnvelope } from '@liaison/notices';
import { BrokerProbe, ConsumerOptions, createKafka, federationTopics, FederationTopics, KafkaBatchConsumer, KafkaBrokerProbe, KafkaPublisher } from '@liaison/transport';
import { NodeConfig } from './config/node-config';
import { DatabaseDirectoryCache } from './directory/directory.repository';
import { migrate } from './persistence/data-source';
import { DatabasePools } from './persistence/pools';
import { ensureDatabase } from './persistence/database';
import { StatementCounter } from './persistence/statement-counter';
import { NODE_SCHEMA } from './schema';
import { ConsumerFactory } from './tokens';

/** Everything with a connection or a key, opened once before the Nest container starts. */
export interface NodeRuntime {
  config: NodeConfig;
  /** One connection pool per kind of work (persistence/pools.ts). */
  pools: DatabasePools;
  /** Statements sent on all of them (for /metrics). */
  statements: StatementCounter;
  keyring: AgencyKeyring;
  trust: TrustStore;
  broker: BrokerProbe;
  publisher: KafkaPublisher;
  /**
   * A producer of its own for attachment chunks: the broker answers one connection's requests in
   * order, so on the shared producer a small notice waited behind megabytes of chunks.
   */
  chunkPublisher: KafkaPublisher;
  topics: FederationTopics;
  consumers: ConsumerFactory;
}

export class KafkaConsumerFactory extends ConsumerFactory {
  constructor(private readonly kafka: ReturnType<typeof createKafka>) {
    super();
  }

  create(options: ConsumerOptions) {
    return new KafkaBatchConsumer(this.kafka, options);
  }
}

/**
 * Start order: database (created if missing) → migrations as the owner → connection as the
 * least-privileged app role → the agency's keys (decrypted once, imported once) → the last
 * verified directory and the highest serial ever adopted → Kafka clients. Any failure stops the
 * start with the reason; so does a trust state that cannot be read, unless the operator sets
 * LIAISON_DIRECTORY_BOOTSTRAP=1 (decision 0008).
 */
export async function openRuntime(config: NodeConfig): Promise<NodeRuntime> {
  const log = new Logger('Runtime');
  await ensureDatabase(config.databaseUrl, config.databaseName);
  const applied = await migrate(config.databaseUrl, NODE_SCHEMA);
  if (applied.length) log.log(`applied migrations: ${applied.join(', ')}`);
  const statements = new StatementCounter();
  const pools = await DatabasePools.open(config.appDatabaseUrl, NODE_SCHEMA, config.databasePools, { applicationName: `liaison-node-${config.agency}`, logger: statements });
  let keyring: AgencyKeyring;
  let trust: TrustStore;
  try {
    keyring = await openKeyring(config);
    trust = await openTrust(config, pools, log);
  } catch (error) {
    await pools.destroy(); // a refused start leaves no connection behind
    throw error;
  }
  const kafka = createKafka(config.kafka, { logCreator: kafkaLogCreator() });
  return {
    config,
    pools,
    statements,
    keyring,
    trust,
    broker: new KafkaBrokerProbe(kafka),
    publisher: new KafkaPublisher(kafka),
    chunkPublisher: new KafkaPublisher(kafka),
    topics: federationTopics(config.kafka.topicPrefix),
    consumers: new KafkaConsumerFactory(kafka),
  };
}

/** Closes what openRuntime opened: the producers, then the pools. */
export async function closeRuntime(runtime: NodeRuntime): Promise<void> {
  await Promise.all([runtime.publisher.close(), runtime.chunkPublisher.close()]);
  await runtime.pools.destroy();
}

async function openTrust(config: NodeConfig, pools: DatabasePools, log: Logger): Promise<TrustStore> {
  const trust = new TrustStore(config.directoryRootJwks as unknown as PublicOkpJwk[], new DatabaseDirectoryCache(pools.get('api')), {
    maxSerialJump: config.directoryMaxSerialJump,
    warningSeconds: config.directoryWarningDays * 86_400,
  });
  const state = await trust.init();
  if (state.state === 'unreadable') {
    if (!config.directoryBootstrap) {
      throw new Error(`directory trust state cannot be read (${state.reason}); fix it, or set LIAISON_DIRECTORY_BOOTSTRAP=1 to accept the next directory the pinned root signed`);
    }
    log.warn(`LIAISON_DIRECTORY_BOOTSTRAP=1: starting without a trusted directory (${state.reason})`);
  } else if (state.state === 'loaded') {
    log.log(`directory serial ${state.serial} re-verified from the database`);
  }
  return trust;
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

export function createOpener(runtime: NodeRuntime): EnvelopeOpener {
  return new EnvelopeOpener({
    agency: runtime.config.agency,
    keyring: runtime.keyring,
    trust: runtime.trust,
    validateBody: validateBodyForEnvelope,
    maxBytes: runtime.config.maxEnvelopeBytes,
    clockSkewSeconds: runtime.config.clockSkewSeconds,
    maxLifetimeSeconds: runtime.config.maxEnvelopeLifetimeSeconds,
    transitWindowSeconds: runtime.config.transitWindowSeconds,
  });
}
