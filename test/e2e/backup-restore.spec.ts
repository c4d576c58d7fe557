// Backup and restore of an agency's database (docs/operations/backup-restore.md): NL's database is
// dumped with pg_dump while NL runs, lost (dropped), restored with pg_restore into a fresh database
// of the same name, and NL started on it. Its ledger verifies offline, and the next checkpoint it
// signs is accepted by its witness ES as an extension of the last one ES cosigned: no fork alarm.
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { countRows, noticeRequest, TestFederation } from '../support/federation';
import { expectLedgersVerifyAndReconcile } from '../support/process-node';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('backup and restore of an agency database', () => {
  let fed: TestFederation;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'liaison-backup-'));
    fed = await TestFederation.create(['NL', 'ES']);
    await fed.start('NL');
    await fed.start('ES');
  });
  afterAll(async () => {
    await fed?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const witnessedSize = async () => Number((await fed.sql<{ size: string }>('ES', `SELECT size FROM witness_state WHERE agency = 'NL'`))[0]?.size ?? 0);

  it('a restored node verifies, and its witness accepts its next checkpoint as an extension', async () => {
    for (let i = 0; i < 3; i++) expect((await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']))).status).toBe(201);
    await fed.waitFor(async () => (await countRows(fed, 'NL', 'notice_recipient', `status = 'DELIVERED'`)) === 3, 'three notices delivered');
    const entries = await countRows(fed, 'NL', 'ledger_entry');
    await fed.waitFor(async () => (await witnessedSize()) === (await countRows(fed, 'NL', 'ledger_entry')), 'ES cosigned a checkpoint of all of NL\'s log');

    // The backup, taken while NL runs (pg_dump reads one consistent snapshot).
    const db = fed.databaseName('NL');
    const dump = join(dir, `${db}.dump`);
    execFileSync('pg_dump', ['--format=custom', '--file', dump, new URL(`/${db}`, SERVER).toString()], { stdio: 'pipe' });
    expect(statSync(dump).size).toBeGreaterThan(0);

    // The database is lost; a fresh one is restored from the dump and NL started on it.
    await fed.stop('NL');
    await admin(`DROP DATABASE "${db}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${db}"`);
    execFileSync('pg_restore', ['--exit-on-error', '--dbname', new URL(`/${db}`, SERVER).toString(), dump], { stdio: 'pipe' });
    expect(await countRows(fed, 'NL', 'ledger_entry')).toBeGreaterThanOrEqual(entries);
    await fed.start('NL');
    const ready = await fed.get('NL', '/health/ready', null);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.ledger.status).toBe('up');

    // Traffic goes on; NL's next checkpoint extends the log ES already cosigned.
    const before = await witnessedSize();
    expect((await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']))).status).toBe(201);
    await fed.waitFor(async () => (await countRows(fed, 'NL', 'notice_recipient', `status = 'DELIVERED'`)) === 4, 'the fourth notice delivered');
    await fed.waitFor(async () => (await witnessedSize()) > before && (await witnessedSize()) === (await countRows(fed, 'NL', 'ledger_entry')), 'ES cosigned NL\'s next checkpoint');
    expect(await countRows(fed, 'ES', 'witness_alert')).toBe(0);
    expect(await countRows(fed, 'NL', 'witness_alert')).toBe(0);

    // Both ledgers verify offline and reconcile.
    await expectLedgersVerifyAndReconcile(fed, [{ agency: 'NL', url: fed.url('NL') }, { agency: 'ES', url: fed.url('ES') }], dir, 'restored');
  });
});
