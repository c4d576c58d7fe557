import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  ITopicConfig,
  ResourcePatternTypes,
} from 'kafkajs';
import { Replication } from './kafka-settings';
import { FederationTopics } from './topics';

export interface FederationLayout {
  topics: FederationTopics;
  agencies: string[];
  /** Partitions of each inbox, so several replicas of a node can share its load. */
  inboxPartitions: number;
  /** Replicas of every topic, and how many must hold a write before the broker acknowledges it (acks=all). */
  replication: Replication;
}

type Acl = Parameters<Admin['createAcls']>[0]['acl'][number];

function acl(
  agency: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  pattern = ResourcePatternTypes.LITERAL,
): Acl {
  return {
    resourceType,
    resourceName,
    resourcePatternType: pattern,
    principal: `User:${agency}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * The least privilege each agency needs, and nothing more:
 * - read (and describe) only its own inbox, attachment and dead-letter topics, and only through its own groups;
 * - write to every other agency's inbox and attachment topic, and to its own dead-letter topic;
 * - read the directory (only the admin, a super user, writes it);
 * - read and write checkpoints (witnessing is every agency's job; signatures prove authorship).
 * Nothing grants reading another agency's inbox, and `allow.everyone.if.no.acl.found=false`
 * on the broker makes that a refusal.
 */
export function federationAcls({ topics, agencies }: FederationLayout): Acl[] {
  const T = AclResourceTypes.TOPIC;
  const { READ, WRITE, DESCRIBE } = AclOperationTypes;
  return agencies.flatMap((agency) => [
    acl(agency, T, topics.inbox(agency), READ),
    acl(agency, T, topics.inbox(agency), DESCRIBE),
    acl(agency, T, topics.attachments(agency), READ),
    acl(agency, T, topics.attachments(agency), DESCRIBE),
    ...agencies.filter((other) => other !== agency).flatMap((other) => [
      acl(agency, T, topics.inbox(other), WRITE),
      acl(agency, T, topics.inbox(other), DESCRIBE),
      acl(agency, T, topics.attachments(other), WRITE),
      acl(agency, T, topics.attachments(other), DESCRIBE),
    ]),
    acl(agency, T, topics.deadLetter(agency), WRITE),
    acl(agency, T, topics.deadLetter(agency), READ),
    acl(agency, T, topics.deadLetter(agency), DESCRIBE),
    acl(agency, T, topics.directory, READ),
    acl(agency, T, topics.directory, DESCRIBE),
    acl(agency, T, topics.checkpoints, READ),
    acl(agency, T, topics.checkpoints, WRITE),
    acl(agency, T, topics.checkpoints, DESCRIBE),
    acl(agency, AclResourceTypes.GROUP, topics.groupPrefix(agency), READ, ResourcePatternTypes.PREFIXED),
  ]);
}

/** How long inbox topics keep messages: a node down longer loses them (nodes read envelopes this old). */
export const INBOX_RETENTION_MS = 7 * 24 * 3600 * 1000;

export function federationTopicConfigs({ topics, agencies, inboxPartitions, replication }: FederationLayout): ITopicConfig[] {
  const replicationFactor = replication.factor;
  const minIsr = { name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) };
  const retention = { name: 'retention.ms', value: String(INBOX_RETENTION_MS) };
  return [
    ...agencies.map((agency) => ({
      topic: topics.inbox(agency),
      numPartitions: inboxPartitions,
      replicationFactor,
      configEntries: [retention, minIsr],
    })),
    // Chunks of one attachment share a key, so a partition; the inbox's partitions spread transfers.
    ...agencies.map((agency) => ({
      topic: topics.attachments(agency),
      numPartitions: inboxPartitions,
      replicationFactor,
      configEntries: [retention, minIsr],
    })),
    ...agencies.map((agency) => ({
      topic: topics.deadLetter(agency),
      numPartitions: 1,
      replicationFactor,
      configEntries: [{ name: 'retention.ms', value: String(90 * 24 * 3600 * 1000) }, minIsr],
    })),
    // The directory keeps only its latest version under one key.
    { topic: topics.directory, numPartitions: 1, replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, minIsr] },
    { topic: topics.checkpoints, numPartitions: 1, replicationFactor, configEntries: [retention, minIsr] },
  ];
}

/**
 * Until every partition of `topics` has a leader. kafkajs's own wait (`waitForLeaders`) asks one
 * broker and gives up when that broker has not yet heard of a new topic, as happens in a cluster
 * while the metadata spreads: ask again, whichever broker answers, until the deadline.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      if (described.length === topics.length && described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs / 1000} s: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Creates missing topics and grants the ACLs; safe to run again (both operations are idempotent). */
export async function provisionFederation(admin: Admin, layout: FederationLayout): Promise<{ createdTopics: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = federationTopicConfigs(layout).filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(admin, missing.map((t) => t.topic));
  }
  await admin.createAcls({ acl: federationAcls(layout) });
  return { createdTopics: missing.map((t) => t.topic) };
}
