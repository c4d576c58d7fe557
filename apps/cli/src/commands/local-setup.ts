import { writeFileSync } from 'fs';
import { join } from 'path';
import { EnvReader } from '@liaison/config';
import { createKafka, federationTopics, kafkaSettingsFromEnv, KafkaPublisher, provisionFederation } from '@liaison/transport';
import { ensureFederationMaterial, nodeEnvironment } from '../federation-material';
import { localFederationSpec, localSecrets, localStateDir } from '../local-state';

/**
 * `liaison local-setup`: prepares the local federation on the running local broker — keys and
 * signed directory (created once), topics and ACLs, the directory published — and writes one
 * environment file per node for deploy/local/federation.sh. Idempotent.
 */
export async function run(): Promise<number> {
  const spec = localFederationSpec();
  const secrets = localSecrets();
  const kek = Uint8Array.from(Buffer.from(secrets.LIAISON_KEY_ENCRYPTION_KEY, 'hex'));
  const dir = join(localStateDir(), 'federation');
  const material = await ensureFederationMaterial(dir, spec.federation, spec.agencies, kek);
  const brokers = process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 19092}`;
  const admin = createKafka(kafkaSettingsFromEnv(new EnvReader({
    KAFKA_BROKERS: brokers, KAFKA_USERNAME: secrets.KAFKA_ADMIN_USER, KAFKA_PASSWORD: secrets.KAFKA_ADMIN_PASSWORD,
  }), 'liaison-local-setup'));
  const topics = federationTopics('liaison');
  const client = admin.admin();
  await client.connect();
  try {
    const { createdTopics } = await provisionFederation(client, { topics, agencies: spec.agencies.map((a) => a.code), inboxPartitions: 3 });
    if (createdTopics.length) process.stderr.write(`[setup] created ${createdTopics.length} topics and granted per-agency ACLs\n`);
  } finally {
    await client.disconnect();
  }
  const publisher = new KafkaPublisher(admin);
  await publisher.publish([{ topic: topics.directory, key: 'directory', value: Buffer.from(material.directoryJws), headers: {} }]);
  await publisher.close();
  process.stderr.write(`[setup] directory serial ${material.directory.serial} published (${spec.agencies.length} agencies)\n`);
  for (const agency of spec.agencies) {
    const env = nodeEnvironment(material, {
      agency: agency.code,
      port: agency.port,
      topicPrefix: topics.prefix,
      databaseUrl: `${(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/').replace(/\/[^/]*$/, '')}/liaison_${agency.code.toLowerCase()}`,
      kafkaBrokers: brokers,
      kafkaPassword: secrets[`KAFKA_PASSWORD_${agency.code}`],
      kek,
    });
    const lines = Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    writeFileSync(join(dir, `${agency.code}.env`), `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return 0;
}
