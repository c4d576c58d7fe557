import { federationTopicConfigs } from './provision';
import { federationTopics } from './topics';

describe('federation topics', () => {
  const layout = { topics: federationTopics('liaison'), agencies: ['NL', 'ES'], inboxPartitions: 3 };

  it('creates every topic with the configured replication factor and min.insync.replicas', () => {
    const configs = federationTopicConfigs({ ...layout, replication: { factor: 3, minInsyncReplicas: 2 } });
    expect(configs.map((t) => t.topic).sort()).toEqual(
      ['liaison.attach.ES', 'liaison.attach.NL', 'liaison.checkpoints', 'liaison.dead-letter.ES', 'liaison.dead-letter.NL', 'liaison.directory', 'liaison.inbox.ES', 'liaison.inbox.NL'].sort(),
    );
    for (const topic of configs) {
      expect(topic.replicationFactor).toBe(3);
      expect(topic.configEntries).toContainEqual({ name: 'min.insync.replicas', value: '2' });
    }
    expect(configs.find((t) => t.topic === 'liaison.inbox.ES')?.numPartitions).toBe(3);
  });

  it('keeps one replica for the one-broker quick start', () => {
    for (const topic of federationTopicConfigs({ ...layout, replication: { factor: 1, minInsyncReplicas: 1 } })) {
      expect(topic.replicationFactor).toBe(1);
      expect(topic.configEntries).toContainEqual({ name: 'min.insync.replicas', value: '1' });
    }
  });
});
