import { startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { TestFederation } from '../support/federation';
import { NODE_SCHEMA } from '../../apps/node/src/schema';

describe('node start', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  it('says what to do when PostgreSQL is not reachable', async () => {
    const config = loadNodeConfig(fed.env('NL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/liaison_unreachable' }));
    await expect(startNode(config)).rejects.toThrow(/PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1\/.*Start PostgreSQL .*or set DATABASE_URL/);
  });

  it('refuses a key file of another agency', async () => {
    const config = loadNodeConfig(fed.env('NL', { LIAISON_KEY_FILE: fed.material.keyFile('ES') }));
    await expect(startNode(config)).rejects.toThrow(/holds keys of ES, not NL/);
  });

  it('creates its database, migrates it, and is ready with database, broker and directory', async () => {
    await fed.start('NL');
    const ready = await fed.get('NL', '/health/ready', null);
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ database: { status: 'up' }, broker: { status: 'up' }, directory: { status: 'up' }, ledger: { status: 'up' }, checkpoint: { status: 'up' }, outbox: { status: 'up' } });
    const migrations = await fed.sql('NL', 'SELECT name FROM migrations ORDER BY id');
    expect(migrations.map((m: { name: string }) => m.name)).toEqual(NODE_SCHEMA.migrations.map((m) => m.name));
    // A restart finds nothing to migrate and serves again.
    await fed.stop('NL');
    await fed.start('NL');
    expect((await fed.sql('NL', 'SELECT count(*)::int AS n FROM migrations'))[0].n).toBe(NODE_SCHEMA.migrations.length);
    expect((await fed.get('NL', '/health/live', null)).body).toEqual({ status: 'live' });
    const metrics = await fed.get('NL', '/metrics', null);
    expect(metrics.body).toContain('liaison_outbox_backlog 0');
    expect(metrics.body).toMatch(/liaison_inbox_consumer_lag\{partition="0"\} \d+/);
    expect(metrics.body).toMatch(/liaison_directory_expires_in_seconds -?\d+/);
  });
});
