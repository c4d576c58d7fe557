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
}

const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;
export const TOPIC_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * KAFKA_BROKERS, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM (scram-sha-512),
 * KAFKA_TLS (false), KAFKA_TLS_CA_FILE, KAFKA_TLS_SERVERNAME, KAFKA_TOPIC_PREFIX (liaison).
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
