import { readFileSync } from 'fs';
import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { ConfigError, EnvReader } from '@liaison/config';
import './kafkajs-request-queue';

export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How one principal (an agency, or the federation admin) reaches the broker. */
export interface KafkaSettings {
  clientId: string;
  brokers: string[];
  username: string;
  password: string;
  mechanism: SaslMechanism;
  /** TLS (SASL_SSL) when set; `ca` pins the broker's CA, otherwise the system store is used. */
  tls: { ca?: string; servername?: string } | null;
  topicPrefix: string;
  /** How the federation's topics are replicated when they are created (provisionFederation). */
  replication: Replication;
}

/** A topic's replication factor and `min.insync.replicas`: with acks=all, a write is acknowledged only once that many replicas hold it. */
export interface Replication {
  factor: number;
  minInsyncReplicas: number;
}

/**
 * Defaults from the bootstrap list: one broker, 1 and 1 (the local quick start); three or more,
 * 3 and 2 (Kafka's documented minimum for no data loss: one broker may fail, none is lost);
 * two, 2 and 1.
 */
export function defaultReplication(brokerCount: number): Replication {
  const factor = Math.max(1, Math.min(brokerCount, 3));
  return { factor, minInsyncReplicas: factor >= 3 ? 2 : 1 };
}

/** KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS, checked against each other. */
function replicationFromEnv(reader: EnvReader, brokerCount: number): Replication {
  const defaults = defaultReplication(brokerCount);
  const factor = reader.integer('KAFKA_REPLICATION_FACTOR', defaults.factor, { min: 1, max: 32767 });
  const minInsyncReplicas = reader.integer('KAFKA_MIN_INSYNC_REPLICAS', Math.min(defaults.minInsyncReplicas, factor), { min: 1, max: 32767 });
  if (minInsyncReplicas > factor) {
    throw new ConfigError('KAFKA_MIN_INSYNC_REPLICAS', `must be at most KAFKA_REPLICATION_FACTOR (${factor}), got ${minInsyncReplicas}`);
  }
  return { factor, minInsyncReplicas };
}

const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;
export const TOPIC_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * KAFKA_BROKERS, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM (scram-sha-512),
 * KAFKA_TLS (false), KAFKA_TLS_CA_FILE, KAFKA_TLS_SERVERNAME, KAFKA_TOPIC_PREFIX (liaison),
 * KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS (defaultReplication of the broker list).
 * Switching an agency to TLS is configuration only: KAFKA_TLS=true plus the TLS listener's address.
 */
export function kafkaSettingsFromEnv(reader: EnvReader, clientId: string): KafkaSettings {
  const brokers = reader.list('KAFKA_BROKERS', '127.0.0.1:19092');
  for (const broker of brokers) {
    if (!HOST_PORT.test(broker)) throw new ConfigError('KAFKA_BROKERS', `has "${broker}", expected host:port`);
  }
  const tls = reader.boolean('KAFKA_TLS', false);
  const caFile = reader.optional('KAFKA_TLS_CA_FILE');
  let ca: string | undefined;
  if (caFile !== undefined) {
    if (!tls) throw new ConfigError('KAFKA_TLS_CA_FILE', 'is set but KAFKA_TLS is not true');
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch {
      throw new ConfigError('KAFKA_TLS_CA_FILE', `cannot be read: ${caFile}`);
    }
  }
  return {
    clientId,
    brokers,
    username: reader.string('KAFKA_USERNAME'),
    password: reader.string('KAFKA_PASSWORD'),
    mechanism: reader.oneOf('KAFKA_SASL_MECHANISM', SASL_MECHANISMS, 'scram-sha-512'),
    tls: tls ? { ca, servername: reader.optional('KAFKA_TLS_SERVERNAME') } : null,
    topicPrefix: reader.matching('KAFKA_TOPIC_PREFIX', TOPIC_PREFIX_PATTERN, 'lowercase letters, digits and dashes', 'liaison'),
    replication: replicationFromEnv(reader, brokers.length),
  };
}

export function createKafka(settings: KafkaSettings, overrides: Partial<KafkaConfig> = {}): Kafka {
  const sasl = { mechanism: settings.mechanism, username: settings.username, password: settings.password } as SASLOptions;
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    sasl,
    ssl: settings.tls
      ? { ca: settings.tls.ca ? [settings.tls.ca] : undefined, servername: settings.tls.servername, rejectUnauthorized: true }
      : false,
    // kafkajs logs connection details, never message values; keep only warnings and errors.
    logLevel: logLevel.WARN,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8 },
    ...overrides,
  });
}
