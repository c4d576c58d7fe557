import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { federationAcls, federationTopicConfigs } from './provision';
import { strimziUserName } from './strimzi';
import { federationTopics } from './topics';
import { defaultReplication } from './kafka-settings';

// The committed Strimzi resources (deploy/strimzi) agree with what provisionFederation creates
// and grants: same topics, partitions and configs, and for each agency exactly its ACLs.
const ROOT = join(__dirname, '..', '..', '..');
const docs = (file: string) => parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'strimzi', file), 'utf8')).map((d) => d.toJS());
const AGENCIES = ['NL', 'ES', 'CO'];
const layout = { topics: federationTopics('liaison'), agencies: AGENCIES, inboxPartitions: 3, replication: defaultReplication(3) };

describe('Strimzi resources (deploy/strimzi)', () => {
  const federation = docs('federation.yaml');

  it('has a KafkaTopic for every topic provisionFederation creates, with its partitions and configs, replicated 3 with min.insync.replicas 2', () => {
    const topics = federation.filter((r) => r.kind === 'KafkaTopic');
    const expected = federationTopicConfigs(layout);
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual(expected.map((t) => t.topic).sort());
    for (const t of expected) {
      const resource = topics.find((r) => r.spec.topicName === t.topic);
      expect(resource.metadata.labels['strimzi.io/cluster']).toBe('liaison');
      expect(resource.spec.partitions).toBe(t.numPartitions);
      expect(resource.spec.replicas).toBe(3);
      expect(resource.spec.config).toEqual(Object.fromEntries((t.configEntries ?? []).map((c) => [c.name, c.value])));
      expect(resource.spec.config['min.insync.replicas']).toBe('2');
    }
  });

  it('gives each agency a SCRAM-SHA-512 KafkaUser whose ACLs are exactly those provisionFederation grants it', () => {
    const users = federation.filter((r) => r.kind === 'KafkaUser');
    expect(users.map((u) => u.metadata.name).sort()).toEqual(AGENCIES.map(strimziUserName).sort());
    const op: Record<string, AclOperationTypes> = { Read: AclOperationTypes.READ, Write: AclOperationTypes.WRITE, Describe: AclOperationTypes.DESCRIBE };
    for (const agency of AGENCIES) {
      const user = users.find((u) => u.metadata.name === strimziUserName(agency));
      expect(user.spec.authentication).toEqual({ type: 'scram-sha-512' });
      expect(user.spec.authorization.type).toBe('simple');
      const granted = (user.spec.authorization.acls as { resource: { type: string; name: string; patternType: string }; operations: string[]; host: string }[])
        .flatMap((a) => a.operations.map((o) => `${a.resource.type}|${a.resource.name}|${a.resource.patternType}|${op[o]}|${a.host}`))
        .sort();
      const expected = federationAcls(layout)
        .filter((a) => a.principal === `User:${agency}`)
        .map((a) => `${a.resourceType === AclResourceTypes.TOPIC ? 'topic' : 'group'}|${a.resourceName}|${a.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'prefix' : 'literal'}|${a.operation}|${a.host}`)
        .sort();
      expect(granted).toEqual(expected);
      // Never another agency's inbox for reading.
      for (const other of AGENCIES.filter((o) => o !== agency)) expect(granted).not.toContain(`topic|liaison.inbox.${other}|literal|${AclOperationTypes.READ}|*`);
    }
  });

  it('runs a Kafka cluster of three brokers and three separate controllers, SCRAM over TLS, ACLs enforced, RF 3 / min ISR 2', () => {
    const cluster = docs('kafka.yaml');
    const pools = cluster.filter((r) => r.kind === 'KafkaNodePool');
    expect(pools.map((p) => [p.spec.roles, p.spec.replicas])).toEqual([[['controller'], 3], [['broker'], 3]]);
    const kafka = cluster.find((r) => r.kind === 'Kafka');
    expect(kafka.metadata.name).toBe('liaison');
    expect(kafka.metadata.annotations).toMatchObject({ 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
    expect(kafka.spec.kafka.listeners).toEqual([{ name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } }]);
    expect(kafka.spec.kafka.authorization.type).toBe('simple');
    expect(kafka.spec.kafka.authorization.superUsers).not.toEqual(expect.arrayContaining(AGENCIES.map(strimziUserName)));
    expect(kafka.spec.kafka.config).toMatchObject({ 'default.replication.factor': 3, 'min.insync.replicas': 2, 'allow.everyone.if.no.acl.found': false, 'auto.create.topics.enable': false });
  });
});
