const { execFileSync } = require('child_process');
const path = require('path');
const postgres = require('../deploy/local/postgres.js');

module.exports = async function globalTeardown() {
  if (process.env.LIAISON_TEST_STARTED_BROKER === '1' && process.env.LIAISON_KEEP_BROKER !== '1') {
    execFileSync('bash', [path.join(__dirname, '..', 'deploy/local/broker.sh'), 'stop'], { stdio: 'inherit' });
  }
  if (process.env.LIAISON_TEST_STARTED_PG === '1' && process.env.LIAISON_KEEP_PG !== '1') await postgres.stop();
};
