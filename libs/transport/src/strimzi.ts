import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { FederationLayout, federationAcls, federationTopicConfigs } from './provision';

/**
 * The backbone's topics and per-agency users as resources of the Strimzi operator, derived from
 * the same plan as provisionFederation (federationTopicConfigs, federationAcls): a KafkaTopic per
 * topic and a KafkaUser (SCRAM-SHA-512) per agency whose ACLs are exactly that agency's.
 * Kubernetes names are lowercase, and Strimzi takes the SCRAM user name from the resource name, so
 * an agency's Kafka user is its code in lowercase (KAFKA_USERNAME=nl); topic names keep their case
 * through spec.topicName (docs/decisions/0018-operations-kit.md).
 */
export interface StrimziOptions {
  /** The Strimzi `Kafka` resource the topics and users belong to (label strimzi.io/cluster). */
  cluster: string;
}

export interface StrimziResource {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaTopic' | 'KafkaUser';
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface StrimziAcl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' };
  operations: string[];
  host: '*';
}

const OPERATION: Partial<Record<AclOperationTypes, string>> = {
  [AclOperationTypes.READ]: 'Read',
  [AclOperationTypes.WRITE]: 'Write',
  [AclOperationTypes.DESCRIBE]: 'Describe',
};

/** The Kafka user (and KafkaUser resource name) of an agency under Strimzi. */
export function strimziUserName(agency: string): string {
  return agency.toLowerCase();
}

/** A Kubernetes name for a topic (lowercase; agency codes are unique ignoring case). */
function topicResourceName(topic: string): string {
  return topic.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

/** An agency's ACLs from federationAcls, grouped by resource as Strimzi writes them. */
export function strimziAcls(layout: FederationLayout, agency: string): StrimziAcl[] {
  const byResource = new Map<string, StrimziAcl>();
  for (const acl of federationAcls(layout).filter((a) => a.principal === `User:${agency}`)) {
    const type = acl.resourceType === AclResourceTypes.TOPIC ? 'topic' : acl.resourceType === AclResourceTypes.GROUP ? 'group' : null;
    const operation = OPERATION[acl.operation];
    if (!type || !operation) throw new Error(`no Strimzi form for ACL ${JSON.stringify(acl)}`);
    const patternType = acl.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'prefix' : 'literal';
    const key = `${type}:${patternType}:${acl.resourceName}`;
    const entry = byResource.get(key) ?? { resource: { type, name: acl.resourceName, patternType }, operations: [], host: '*' as const };
    entry.operations.push(operation);
    byResource.set(key, entry);
  }
  return [...byResource.values()];
}

export function strimziResources(layout: FederationLayout, options: StrimziOptions): StrimziResource[] {
  const labels = { 'strimzi.io/cluster': options.cluster };
  const topics: StrimziResource[] = federationTopicConfigs(layout).map((t) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: { name: topicResourceName(t.topic), labels },
    spec: {
      topicName: t.topic,
      partitions: t.numPartitions,
      replicas: t.replicationFactor,
      config: Object.fromEntries((t.configEntries ?? []).map((c) => [c.name, c.value])),
    },
  }));
  const users: StrimziResource[] = layout.agencies.map((agency) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: { name: strimziUserName(agency), labels: { ...labels, 'liaison/agency': agency } },
    spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: strimziAcls(layout, agency) } },
  }));
  return [...topics, ...users];
}
