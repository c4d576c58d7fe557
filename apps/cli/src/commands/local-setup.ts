import { writeFileSync } from 'fs';
import { join } from 'path';
import { Command } from 'commander';
import { federationTopics } from '@liaison/transport';
import { ensureFederationMaterial, nodeEnvironment, principalFromSecrets, provisionTopics, publishDirectory } from '@liaison/federation';
import { act, EXIT } from '../args';
import { localFederationSpec, localSecrets, localStateDir } from '../local-state';
import { CliIo } from './cli-io';

/**
 * `liaison local-setup`: prepares the local federation on the running local broker — keys and
 * signed directory (created once), topics and ACLs, the directory published — and writes one
 * environment file per node for deploy/local/federation.sh. Idempotent.
 */
export function registerLocalSetup(program: Command, io: CliIo, code: { value: number }): void {
  const command = program
    .command('local-setup')
    .summary('prepare the local federation: keys, directory, topics, ACLs, node env files')
    .description(
      'Prepares the local federation (deploy/local/federation.json) on the running local broker: keys and signed directory (created once), ' +
        'topics and ACLs, the directory published, and one environment file per node in $LIAISON_STATE/federation. Idempotent.',
    );
  act(command, code, async () => {
    const spec = localFederationSpec();
    const secrets = localSecrets();
    const kek = Uint8Array.from(Buffer.from(secrets.LIAISON_KEY_ENCRYPTION_KEY, 'hex'));
    const dir = join(localStateDir(), 'federation');
    const material = await ensureFederationMaterial(dir, spec.federation, spec.agencies, kek);
    const brokers = io.env.KAFKA_BROKERS ?? `127.0.0.1:${io.env.KAFKA_PORT ?? 19092}`;
    // Replication: the defaults of the broker list, unless KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS say otherwise.
    const replication = Object.fromEntries(
      ['KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS'].flatMap((name) => (io.env[name] ? [[name, io.env[name] as string]] : [])),
    );
    const principal = (name: string) => principalFromSecrets(secrets, name, 'liaison-local-setup', { KAFKA_BROKERS: brokers, ...replication });
    const admin = principal(secrets.KAFKA_ADMIN_USER);
    const topics = federationTopics('liaison');
    const created = await provisionTopics(admin, principal, topics, spec.agencies.map((a) => a.code));
    if (created.length) io.err(`[setup] created ${created.length} topics and granted per-agency ACLs\n`);
    await publishDirectory(admin, topics, material.directoryJws);
    io.err(`[setup] directory serial ${material.directory.serial} published (${spec.agencies.length} agencies)\n`);
    for (const agency of spec.agencies) {
      const env = nodeEnvironment(material, {
        agency: agency.code,
        port: agency.port,
        topicPrefix: topics.prefix,
        databaseUrl: `${(io.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/').replace(/\/[^/]*$/, '')}/liaison_${agency.code.toLowerCase()}`,
        kafkaBrokers: brokers,
        kafkaPassword: secrets[`KAFKA_PASSWORD_${agency.code}`],
        kek,
      });
      const lines = Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      writeFileSync(join(dir, `${agency.code}.env`), `${lines.join('\n')}\n`, { mode: 0o600 });
    }
    return EXIT.ok;
  });
}
