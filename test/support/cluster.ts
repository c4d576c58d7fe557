import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';
import { createKafka } from '@liaison/transport';
import { principalSettings } from './kafka';
import { localSecrets, REPO_ROOT } from './local-secrets';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'deploy', 'local', 'cluster.sh');

/** Node ids of the local cluster (deploy/local/cluster.sh): dedicated controllers, then brokers. */
export const CONTROLLERS = [1, 2, 3];
export const BROKERS = [4, 5, 6];

/**
 * The local three-broker cluster, driven through deploy/local/cluster.sh (asynchronously, so a
 * stream of notices goes on while a broker restarts). It has its own ports and state: the shared
 * broker is never touched.
 */
export const cluster = {
  async sh(...args: (string | number)[]): Promise<string> {
    const { stdout } = await run('bash', [SCRIPT, ...args.map(String)], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
    return stdout.trim();
  },
  /** All nodes, or the given ones again; resolves once each broker answers. */
  start: (...ids: number[]) => cluster.sh('start', ...ids),
  /** Graceful stop (a broker hands its leaderships over first). */
  stop: (...ids: number[]) => cluster.sh('stop', ...ids),
  /** kill -9. */
  kill: (...ids: number[]) => cluster.sh('kill', ...ids),
  brokers: () => cluster.sh('brokers'),
  /** The active controller: the KRaft quorum's leader. */
  async controller(): Promise<number> {
    return Number(await cluster.sh('controller'));
  },
  async leader(topic: string, partition: number): Promise<number> {
    return Number(await cluster.sh('leader', topic, partition));
  },
  /** The broker leading most partitions of `topic` (the lowest id among equals). */
  async mainLeader(topic: string): Promise<number> {
    const partitions = await cluster.partitions(topic);
    const counts = new Map<number, number>();
    for (const p of partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  },
  async partitions(topic?: string): Promise<{ topic: string; partitionId: number; leader: number; replicas: number[]; isr: number[] }[]> {
    const admin = createKafka(principalSettings(localSecrets().KAFKA_ADMIN_USER, { KAFKA_BROKERS: await cluster.brokers() }), { logLevel: 0 }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata(topic ? { topics: [topic] } : undefined);
      return topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partitionId: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })));
    } finally {
      await admin.disconnect();
    }
  },
  /** True when every partition of every topic has all its replicas in sync. */
  async fullyReplicated(): Promise<boolean> {
    const partitions = await cluster.partitions();
    return partitions.length > 0 && partitions.every((p) => p.isr.length === p.replicas.length);
  },
};
