// On a machine with no PostgreSQL server, the quick start and the test command start an embedded
// one (deploy/local/postgres.js). Here the starter is pointed at a free port where nothing
// listens and at a fresh directory: it starts a server, says so, a node migrates its database and
// becomes ready on it, and the server stops again. The shared server on 5432 is not touched.
import { execFile } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { Client } from 'pg';
import { freePort, TestFederation } from '../support/federation';
import { ensureBuilt, ProcessNode } from '../support/process-node';

const run = promisify(execFile);
const STARTER = join(__dirname, '..', '..', 'deploy', 'local', 'postgres.js');

describe('embedded PostgreSQL default', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let fed: TestFederation;

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'liaison-embedded-pg-'));
    chmodSync(dir, 0o755); // as root the server runs as the user postgres
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    env = { ...rest, LIAISON_PG_DIR: join(dir, 'pg'), LIAISON_PG_PORT: String(await freePort()) };
    fed = await TestFederation.create(['NL']);
  });
  afterAll(async () => {
    await fed?.destroy();
    await run('node', [STARTER, 'stop'], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a server where none answers, says so, a node migrates and serves on it, and it stops', async () => {
    const url = `postgres://postgres@127.0.0.1:${env.LIAISON_PG_PORT}/postgres`;
    const started = await run('node', [STARTER, 'ensure'], { env });
    expect(started.stdout.trim()).toBe(url);
    expect(started.stderr).toMatch(/no PostgreSQL server reachable: creating an embedded one/);
    expect(started.stderr).toMatch(/started the embedded PostgreSQL 15\.\d+ on 127\.0\.0\.1:/);

    // A second call finds the running server and starts nothing.
    const again = await run('node', [STARTER, 'ensure'], { env });
    expect(again.stdout.trim()).toBe(url);
    expect(again.stderr).toBe('');

    const node = new ProcessNode(fed, 'NL', { DATABASE_URL: url.replace(/\/postgres$/, `/${fed.databaseName('NL')}`) }, 'embedded-pg');
    await node.start();
    const health = await (await fetch(`${node.url}/health/ready`)).json();
    expect(health.checks.database.status).toBe('up');
    await node.stop();
    const client = new Client({ connectionString: url.replace(/\/postgres$/, `/${fed.databaseName('NL')}`) });
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS n FROM migrations');
    await client.end();
    expect(rows[0].n).toBeGreaterThan(5);

    const stopped = await run('node', [STARTER, 'stop'], { env });
    expect(stopped.stderr).toMatch(/stopped the embedded PostgreSQL/);
    const status = await run('node', [STARTER, 'status'], { env });
    expect(status.stdout).toMatch(/not running/);
  });

  // PostgreSQL refuses to run as root; as root the server runs as the user postgres, which cannot
  // enter a private directory (.local is 0700): binaries and data then live under /var/lib.
  (process.getuid?.() === 0 ? it : it.skip)('as root, with a private data directory, runs the server elsewhere and says where', async () => {
    const privateDir = join(dir, 'private');
    await run('mkdir', ['-m', '700', privateDir]);
    const rootEnv = { ...env, LIAISON_PG_DIR: join(privateDir, 'pg'), LIAISON_PG_PORT: String(await freePort()) };
    const createdHome = !existsSync('/var/lib/liaison-postgres');
    try {
      const started = await run('node', [STARTER, 'ensure'], { env: rootEnv });
      expect(started.stderr).toMatch(/running as root: the user postgres cannot reach .*private\/pg .*using \/var\/lib\/liaison-postgres\//);
      const client = new Client({ connectionString: started.stdout.trim() });
      await client.connect();
      expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe('postgres');
      await client.end();
      expect((await run('node', [STARTER, 'stop'], { env: rootEnv })).stderr).toMatch(/stopped the embedded PostgreSQL/);
    } finally {
      await run('node', [STARTER, 'stop'], { env: rootEnv }).catch(() => undefined);
      if (createdHome) rmSync('/var/lib/liaison-postgres', { recursive: true, force: true });
    }
  });
});
