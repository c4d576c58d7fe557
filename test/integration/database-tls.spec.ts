// The node reaches PostgreSQL over TLS with the server's certificate checked against a CA file:
// `?sslmode=verify-full&sslrootcert=<ca.pem>` on DATABASE_URL (and so on the derived runtime URL).
// The server is an embedded one (deploy/local/postgres.js) on a free port with ssl=on, a CA and
// a server certificate for localhost generated here, and plain connections refused by pg_hba.
import { execFile, execFileSync } from 'child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { Client } from 'pg';
import { startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { freePort, TestFederation } from '../support/federation';

const run = promisify(execFile);
const STARTER = join(__dirname, '..', '..', 'deploy', 'local', 'postgres.js');

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

/** A self-signed CA certificate and its key. */
function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)]);
}

describe('database over TLS (sslmode=verify-full)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let fed: TestFederation;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'liaison-db-tls-'));
    chmodSync(dir, 0o755);
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=db.test', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.csr')]);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
    openssl(['x509', '-req', '-in', join(dir, 'server.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2', '-extfile', join(dir, 'san.ext'), '-out', join(dir, 'server.crt')]);

    port = await freePort();
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    env = { ...rest, LIAISON_PG_DIR: join(dir, 'pg'), LIAISON_PG_PORT: String(port) };
    // Create the server, then turn TLS on and refuse plain connections.
    await run('node', [STARTER, 'ensure'], { env });
    await run('node', [STARTER, 'stop'], { env });
    const data = join(dir, 'pg', 'data');
    const owner = execFileSync('stat', ['-c', '%u:%g', data], { encoding: 'utf8' }).trim().split(':').map(Number);
    for (const file of ['server.crt', 'server.key']) {
      copyFileSync(join(dir, file), join(data, file));
      chmodSync(join(data, file), 0o600);
      chownSync(join(data, file), owner[0], owner[1]);
    }
    appendFileSync(join(data, 'postgresql.conf'), "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n');
    await run('node', [STARTER, 'start'], { env });
    fed = await TestFederation.create(['NL']);
  });
  afterAll(async () => {
    await fed?.destroy();
    await run('node', [STARTER, 'stop'], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (query: string) => `postgres://postgres@localhost:${port}/${fed.databaseName('NL')}${query}`;

  it('the node migrates and runs over TLS with the server certificate verified against the CA file', async () => {
    const config = loadNodeConfig(fed.env('NL', { DATABASE_URL: url(`?sslmode=verify-full&sslrootcert=${join(dir, 'ca.pem')}`) }));
    expect(config.appDatabaseUrl).toContain('sslmode=verify-full');
    const node = await startNode(config, { logLevels: ['error'] });
    try {
      const ready = await fetch(`http://127.0.0.1:${config.httpPort}/health/ready`);
      expect((await ready.json()).checks.database.status).toBe('up');
      // Every connection of the node (owner for migrations, app role at run time) used TLS.
      const client = new Client({ connectionString: url(`?sslmode=verify-full&sslrootcert=${join(dir, 'ca.pem')}`) });
      await client.connect();
      const { rows } = await client.query(
        "SELECT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = $1 AND a.usename = $2",
        [fed.databaseName('NL'), `${fed.databaseName('NL')}_app`],
      );
      await client.end();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r: { ssl: boolean }) => r.ssl)).toBe(true);
    } finally {
      await node.close();
    }
  });

  it('refuses a server whose certificate another CA signed, and plain connections are refused by the server', async () => {
    const wrongCa = loadNodeConfig(fed.env('NL', { DATABASE_URL: url(`?sslmode=verify-full&sslrootcert=${join(dir, 'other-ca.pem')}`) }));
    await expect(startNode(wrongCa, { logLevels: ['fatal'] })).rejects.toThrow(/PostgreSQL is not reachable .*(self[- ]signed|unable to (verify|get local issuer))/);
    const plain = loadNodeConfig(fed.env('NL', { DATABASE_URL: url('?sslmode=disable') }));
    await expect(startNode(plain, { logLevels: ['fatal'] })).rejects.toThrow(/no pg_hba\.conf entry .*no encryption|rejects connection/);
  });

  it('names DATABASE_URL when verify-full is asked against an IP address or the CA file cannot be read', () => {
    expect(() => loadNodeConfig(fed.env('NL', { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x?sslmode=verify-full&sslrootcert=${join(dir, 'ca.pem')}` }))).toThrow(
      'configuration: DATABASE_URL has sslmode=verify-full with the IP address 127.0.0.1: name the server by the DNS name in its certificate',
    );
    expect(() => loadNodeConfig(fed.env('NL', { DATABASE_URL: url(`?sslmode=verify-full&sslrootcert=${join(dir, 'none.pem')}`) }))).toThrow(/DATABASE_URL has sslrootcert=.*none\.pem, which cannot be read \(ENOENT\)/);
  });
});
