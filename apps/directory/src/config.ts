import { statSync } from 'fs';
import { dirname } from 'path';
import { ConfigError, Env, EnvReader } from '@liaison/config';
import { checkPublicJwk, PublicOkpJwk, toPublicJwk } from '@liaison/envelope';
import { federationTopics, kafkaSettingsFromEnv, KafkaSettings } from '@liaison/transport';

/** What the directory service needs, validated once at start (see docs/decisions/0004-directory-service.md). */
export interface DirectoryServiceConfig {
  /** The pinned federation root public keys (one, or several while rotating): only directories they signed are served. */
  rootJwks: PublicOkpJwk[];
  /** Where the last verified directory (its JWS) survives restarts and broker outages. */
  cacheFile: string;
  httpHost: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  /** The federation admin or any agency: every agency may read the directory topic. */
  kafka: KafkaSettings;
  /** The compacted directory topic, `<KAFKA_TOPIC_PREFIX>.directory`. */
  topic: string;
  /** Consumer groups of this principal start with this (the broker's ACLs allow only those). */
  groupPrefix: string;
}

/**
 * LIAISON_DIRECTORY_ROOT_JWK (the root public JWK as JSON, or a JWK set of them; required), DIRECTORY_CACHE_FILE (required;
 * its folder must exist), HOST (127.0.0.1), PORT (3900), and the KAFKA_* variables of
 * kafkaSettingsFromEnv (KAFKA_USERNAME and KAFKA_PASSWORD required; KAFKA_TOPIC_PREFIX liaison).
 */
export async function loadDirectoryConfig(env: Env = process.env): Promise<DirectoryServiceConfig> {
  const reader = new EnvReader(env);
  const root = reader.json<unknown>('LIAISON_DIRECTORY_ROOT_JWK');
  if (root === undefined) throw new ConfigError('LIAISON_DIRECTORY_ROOT_JWK', 'is required but not set (the federation root public JWK, as JSON)');
  const set = (root as { keys?: unknown } | null)?.keys;
  const roots = Array.isArray(set) ? (set as unknown[]) : [root];
  if (roots.length === 0) throw new ConfigError('LIAISON_DIRECTORY_ROOT_JWK', 'is an empty JWK set');
  for (const jwk of roots) {
    if (typeof jwk === 'object' && jwk !== null && 'd' in jwk) throw new ConfigError('LIAISON_DIRECTORY_ROOT_JWK', 'holds a private key; pin the root public JWK only');
    const reason = await checkPublicJwk(jwk, 'sig');
    if (reason) throw new ConfigError('LIAISON_DIRECTORY_ROOT_JWK', `must be the federation root public Ed25519 JWK, or a JWK set of them (${reason})`);
  }
  const cacheFile = reader.string('DIRECTORY_CACHE_FILE');
  let folderOk = false;
  try {
    folderOk = statSync(dirname(cacheFile)).isDirectory();
  } catch {
    folderOk = false;
  }
  if (!folderOk) throw new ConfigError('DIRECTORY_CACHE_FILE', `names ${cacheFile}, whose folder does not exist`);
  const host = reader.string('HOST', '127.0.0.1');
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) throw new ConfigError('HOST', `must be a host name or IP address, got "${host.slice(0, 40)}"`);
  const kafka = kafkaSettingsFromEnv(reader, 'liaison-directory');
  const topics = federationTopics(kafka.topicPrefix);
  return {
    rootJwks: roots.map((jwk) => toPublicJwk(jwk as PublicOkpJwk)),
    cacheFile,
    httpHost: host,
    httpPort: reader.integer('PORT', 3900, { min: 0, max: 65535 }),
    kafka,
    topic: topics.directory,
    groupPrefix: topics.groupPrefix(kafka.username),
  };
}
