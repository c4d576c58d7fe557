// A node knows its own ledger: a database whose checkpoints were signed by keys this agency never
// held (left by another checkout, another federation, or restored under other keys) is refused at
// start with a message saying what was found and what to do, instead of being adopted.
import { generateKeyPairSync } from 'crypto';
import { Client } from 'pg';
import { signNote } from '@liaison/ledger';
import { startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { noticeRequest, TestFederation } from '../support/federation';

jest.setTimeout(120_000);

describe('a node and its own ledger', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  it('restarts on its own checkpoints, and refuses a database whose checkpoints another key signed', async () => {
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']));
    expect(sent.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('NL', '/audit/checkpoint', 'auditor')).status === 200, 'a checkpoint at NL');
    await fed.stop('NL');
    await fed.start('NL'); // its own log: starts
    await fed.stop('NL');

    // The same database, its checkpoints now signed under another key (as a fresh checkout's keys would have).
    const other = generateKeyPairSync('ed25519').privateKey;
    const client = new Client({ connectionString: new URL(`/${fed.databaseName('NL')}`, process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').toString() });
    await client.connect();
    try {
      const rows = (await client.query('SELECT size, note FROM ledger_checkpoint')).rows as { size: string; note: string }[];
      expect(rows.length).toBeGreaterThan(0);
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      for (const r of rows) await client.query('UPDATE ledger_checkpoint SET note = $1 WHERE size = $2', [signNote(r.note.split('\n\n')[0] + '\n', 'liaison/NL', other), r.size]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await expect(startNode(loadNodeConfig(fed.env('NL')), { logLevels: [] })).rejects.toThrow(
      /holds ledger checkpoint \d+ that no key NL has ever held in the directory signed: it belongs to another federation or checkout.*deploy\/local\/federation\.sh reset/,
    );
  });
});
