// A node asked to stop finishes within its deadline, also when a dependency is gone: here its
// PostgreSQL connections run through a proxy the test cuts before SIGTERM (the shared database
// and broker keep running for the other suites). The broker cannot be cut the same way (clients
// reconnect to the advertised listener), so it is the deadline in main.ts that bounds that case.
import { once } from 'events';
import { readFileSync } from 'fs';
import { createServer, Server, Socket, connect } from 'net';
import { join } from 'path';
import { NODE_PROCESS_ENV_FILE, readEnvFile } from '@liaison/federation';
import { SHUTDOWN_DEADLINE_MS } from '../../apps/node/src/shutdown';
import { TestFederation } from '../support/federation';
import { ensureBuilt, ProcessNode, ROOT } from '../support/process-node';

jest.setTimeout(240_000);

/** A TCP proxy to PostgreSQL that can be cut: every connection dropped, new ones refused. */
async function pgProxy(): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(5432, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    cut: async () => {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('node shutdown', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    ensureBuilt();
    fed = await TestFederation.create(['NL']);
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  it('runs with the node process environment and stops cleanly on SIGTERM when everything is up, every line of the run in one JSON schema, no ERROR line', async () => {
    const node = new ProcessNode(fed, 'NL', {}, 'clean');
    await node.start();
    // The allocator settings every way of starting a node applies (decision 0025).
    const environ = new Set(readFileSync(`/proc/${node.pid}/environ`, 'utf8').split('\0'));
    for (const [name, value] of Object.entries(readEnvFile(join(ROOT, NODE_PROCESS_ENV_FILE)))) expect([name, environ.has(`${name}=${value}`)]).toEqual([name, true]);
    await new Promise((r) => setTimeout(r, 3000)); // consumers joined their groups
    const refused = await fetch(`${node.url}/audit/entries?kind=identity-query`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(refused.status).toBe(401);
    const requestId = refused.headers.get('x-request-id');
    await node.stop(SHUTDOWN_DEADLINE_MS + 30_000);
    const log = readFileSync(node.logFile, 'utf8');
    expect(log).toMatch(/SIGTERM: stopping/);
    expect(log).toMatch(/"message":"stopped"/);
    const lines = log.split('\n').filter((l) => l !== '' && !l.startsWith('--- '));
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const record = JSON.parse(line);
      expect(Object.keys(record)).toEqual(['time', 'level', 'agency', 'context', 'requestId', 'message']);
      expect(record.agency).toBe('NL');
    }
    // Migrations and kafkajs too, and a normal start and stop has nothing to alarm an operator.
    expect(lines.some((l) => JSON.parse(l).context === 'Runtime')).toBe(true);
    expect(lines.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
    // One access line for the request, with its id, without the query string or the token.
    const access = lines.map((l) => JSON.parse(l)).filter((r) => r.context === 'Http');
    expect(access).toEqual([expect.objectContaining({ requestId, message: expect.stringMatching(/^GET \/audit\/entries 401 [\d.]+ ms$/) })]);
    expect(log).not.toContain('not-a-token');
  });

  it('stops within the deadline on SIGTERM when its database is gone', async () => {
    const proxy = await pgProxy();
    const node = new ProcessNode(fed, 'NL', { DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/${fed.databaseName('NL')}` });
    await node.start();
    await proxy.cut();
    const started = Date.now();
    await node.stop(SHUTDOWN_DEADLINE_MS + 30_000); // SIGKILL only far past the deadline
    const took = Date.now() - started;
    const log = readFileSync(node.logFile, 'utf8');
    expect(log).toMatch(/SIGTERM: stopping \(at most 10 s\)/);
    expect(log).not.toMatch(/--- SIGKILL/);
    console.log(`SIGTERM with the database cut: exited after ${took} ms`);
    expect(took).toBeLessThan(SHUTDOWN_DEADLINE_MS + 5_000);
  });
});
