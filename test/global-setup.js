// Starts the real broker for the integration project (or reuses one that runs) and finds
// PostgreSQL: DATABASE_URL, else 127.0.0.1:5432, else an embedded server started here
// (deploy/local/postgres.js). Remembers what it started, so teardown leaves the machine as it found it.
const { execFileSync } = require('child_process');
const path = require('path');
const { Client } = require('pg');
const postgres = require('../deploy/local/postgres.js');

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
  const { url, started } = await postgres.ensure();
  if (started) {
    // Test workers are started after this and inherit the environment.
    process.env.DATABASE_URL = url;
    process.env.LIAISON_TEST_STARTED_PG = '1';
    process.stderr.write(`[test] no PostgreSQL server reachable: using an embedded one at ${url}\n`);
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${error.message}). ` +
        'Start it, set DATABASE_URL to one that answers, or unset DATABASE_URL to use an embedded server.',
    );
  }
};
