// Exits 0 once the broker accepts the federation admin's SCRAM credentials and answers metadata.
const fs = require('fs');
const path = require('path');
const { Kafka, logLevel } = require('kafkajs');
const state = process.env.LIAISON_STATE || path.join(__dirname, '..', '..', '.local');
const env = Object.fromEntries(
  fs.readFileSync(path.join(state, 'secrets.env'), 'utf8').split('\n').filter(Boolean)
    .map((l) => { const i = l.indexOf('='); return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')]; }),
);
const kafka = new Kafka({
  clientId: 'liaison-broker-ready',
  brokers: [`127.0.0.1:${process.env.KAFKA_PORT || 19092}`],
  sasl: { mechanism: 'scram-sha-512', username: env.KAFKA_ADMIN_USER, password: env.KAFKA_ADMIN_PASSWORD },
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
  connectionTimeout: 2000,
});
const admin = kafka.admin();
admin.connect().then(() => admin.describeCluster()).then(() => admin.disconnect()).then(
  () => process.exit(0),
  () => process.exit(1),
);
