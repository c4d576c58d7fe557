// Starts the real broker for the integration project (or reuses one that runs) and checks that
// PostgreSQL answers. Remembers whether it started the broker, so teardown leaves the machine as
// it found it.
const { execFileSync } = require('child_process');
const path = require('path');
const { Client } = require('pg');

const root = path.join(__dirname, '..');

module.exports = async function globalSetup() {
  const status = (() => {
    try {
      execFileSync('bash', [path.join(root, 'deploy/local/broker.sh'), 'status'], { stdio: 'pipe' });
      return 'running';
    } catch {
      return 'stopped';
    }
  })();
  if (status !== 'running') {
    execFileSync('bash', [path.join(root, 'deploy/local/broker.sh'), 'start'], { stdio: 'inherit' });
    process.env.LIAISON_TEST_STARTED_BROKER = '1';
  }
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${error.message}). ` +
        'Start it (on this machine: pg_ctlcluster --skip-systemctl-redirect 15 main start) or set DATABASE_URL.',
    );
  }
};
