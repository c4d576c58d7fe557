// The local cluster's admin questions (deploy/local/cluster.sh), asked as the federation admin:
//   ready ID          exit 0 once broker ID answers and the cluster's metadata lists it
//   leader TOPIC P    print the node id leading partition P of TOPIC
const fs = require('fs');
const path = require('path');
const { Kafka, logLevel } = require('kafkajs');
const state = process.env.LIAISON_STATE || path.join(__dirname, '..', '..', '.local');
const base = Number(process.env.LIAISON_CLUSTER_PORT_BASE || 19190);
const env = Object.fromEntries(
  fs.readFileSync(path.join(state, 'secrets.env'), 'utf8').split('\n').filter(Boolean)
    .map((l) => { const i = l.indexOf('='); return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')]; }),
);
const port = (id) => base + id - 3;
const [command, ...args] = process.argv.slice(2);
const brokers = command === 'ready' ? [`127.0.0.1:${port(Number(args[0]))}`] : [4, 5, 6].map((id) => `127.0.0.1:${port(id)}`);
const kafka = new Kafka({
  clientId: 'liaison-cluster-admin',
  brokers,
  sasl: { mechanism: 'scram-sha-512', username: env.KAFKA_ADMIN_USER, password: env.KAFKA_ADMIN_PASSWORD },
  logLevel: logLevel.NOTHING,
  retry: { retries: command === 'ready' ? 0 : 3 },
  connectionTimeout: 2000,
});

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (command === 'ready') {
      const { brokers: listed } = await admin.describeCluster();
      return listed.some((b) => b.nodeId === Number(args[0])) ? 0 : 1;
    }
    if (command === 'leader') {
      const { topics } = await admin.fetchTopicMetadata({ topics: [args[0]] });
      const partition = topics[0].partitions.find((p) => p.partitionId === Number(args[1]));
      if (!partition) throw new Error(`${args[0]} has no partition ${args[1]}`);
      process.stdout.write(`${partition.leader}\n`);
      return 0;
    }
    throw new Error(`unknown command ${command}`);
  } finally {
    await admin.disconnect();
  }
}
main().then((code) => process.exit(code), (error) => { process.stderr.write(`${error.message}\n`); process.exit(1); });
