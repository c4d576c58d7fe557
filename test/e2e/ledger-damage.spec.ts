// The node notices damage to its own ledger: CO's database superuser tampers with ledger_entry
// (triggers bypassed with session_replication_role = replica) in each way an independent tester
// did. For each, within DETECTION_MS: a signed alert at CO and at its peers (/audit/alerts), CO's
// /health/ready not ready with the reason, the damage metric, and GET /audit/integrity naming the
// entry and the kind of damage; meanwhile NL and ES keep exchanging. The log is never repaired by
// the node: once the rows are restored, the next clean sweep makes CO ready again.
import { Client } from 'pg';
import { noticeRequest, TestFederation } from '../support/federation';

jest.setTimeout(240_000);

/** Detection deadline: a sweep every second (LIAISON_LEDGER_AUDIT_PAUSE_SECONDS=1) plus slack for a loaded machine. */
const DETECTION_MS = 20_000;

describe('ledger damage at CO, detected by CO and told to its peers', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a, { LIAISON_LEDGER_AUDIT_PAUSE_SECONDS: '1' })));
    // Some history at CO, covered by a checkpoint its witnesses cosigned.
    for (let i = 0; i < 3; i++) {
      const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['CO']));
      expect(sent.status).toBe(201);
      await fed.waitFor(async () => (await fed.get('CO', '/inbox', 'liaison_officer')).body.some((n: { id: string }) => n.id === sent.body.id), 'CO inbox');
      await fed.post('CO', `/inbox/${sent.body.id}/acknowledge`, 'liaison_officer');
    }
    await fed.waitFor(async () => {
      const head = await headSize();
      const cp = (await fed.get('CO', '/audit/checkpoint', 'auditor')).body;
      return cp.size === head && cp.witnessed === true;
    }, 'a witnessed checkpoint of CO covering its log');
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  async function headSize(): Promise<number> {
    return Number((await fed.sql<{ size: string }>('CO', 'SELECT size FROM ledger_head'))[0].size);
  }

  /** As the superuser with triggers bypassed: the tester's access. */
  async function superuser(statements: [string, unknown[]?][]): Promise<void> {
    const client = new Client({ connectionString: new URL(`/${fed.databaseName('CO')}`, process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').toString() });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      for (const [sql, params] of statements) await client.query(sql, params);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  /** Keeps rows aside (in the database, as an operator with a backup would), then puts them back. */
  const save = (seqs: number[]) => superuser([['CREATE TABLE tamper_saved AS SELECT * FROM ledger_entry WHERE seq = ANY($1)', [seqs]]]);
  const restore = (remove: number[]) =>
    superuser([
      ['DELETE FROM ledger_entry WHERE seq = ANY($1) OR seq IN (SELECT seq FROM tamper_saved)', [remove]],
      ['INSERT INTO ledger_entry SELECT * FROM tamper_saved'],
      ['DROP TABLE tamper_saved'],
    ]);

  async function metric(agency: string, line: RegExp): Promise<boolean> {
    const text = (await fed.get(agency, '/metrics', null)).body as string;
    return line.test(text);
  }

  /** Everything an operator and the peers see, within the deadline. */
  async function expectDetected(kind: string, seq: number): Promise<void> {
    const started = Date.now();
    await fed.waitFor(
      async () => (await fed.get('CO', '/audit/alerts', 'auditor')).body.alerts.some((a: { reason: string; witness: string }) => a.reason === `ledger_damage:${kind}` && a.witness === 'CO'),
      `CO's own alert for ${kind}`,
      DETECTION_MS,
    );
    const ready = await fed.get('CO', '/health/ready', null);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.ledger).toMatchObject({ status: 'down', reason: expect.stringContaining(`${kind} at ${seq}`) });
    expect(await metric('CO', new RegExp(`^liaison_ledger_damage\\{kind="${kind}"\\} [1-9]`, 'm'))).toBe(true);
    const report = await fed.get('CO', '/audit/integrity', 'auditor');
    expect(report.status).toBe(200);
    expect(report.body.damage).toEqual(expect.arrayContaining([expect.objectContaining({ kind, seq })]));
    // The peers hold CO's signed statement too (published on the checkpoints topic).
    for (const peer of ['NL', 'ES']) {
      await fed.waitFor(
        async () => (await fed.get(peer, '/audit/alerts', 'auditor')).body.alerts.some((a: { origin: string; reason: string }) => a.origin === 'CO' && a.reason === `ledger_damage:${kind}`),
        `${peer} holds CO's ${kind} alert`,
        DETECTION_MS,
      );
    }
    console.log(`ledger damage ${kind} at ${seq}: alert, health and metric within ${Date.now() - started} ms`);
    // The federation goes on: NL to ES still works while CO is damaged.
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']));
    expect(sent.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('NL', `/notices/${sent.body.id}`, 'operator')).body.recipients[0].status === 'DELIVERED', 'NL to ES delivered');
  }

  async function expectRecovered(): Promise<void> {
    await fed.waitFor(async () => (await fed.get('CO', '/health/ready', null)).status === 200, 'CO ready again after the rows are restored', DETECTION_MS);
    expect((await fed.get('CO', '/audit/integrity', 'auditor')).body).toMatchObject({ ok: true, damage: [] });
  }

  it('edit in place: named, checkpoints stop while CO keeps receiving, resume once restored', async () => {
    const size = await headSize();
    await save([1]);
    await superuser([[`UPDATE ledger_entry SET actor = 'forged' WHERE seq = 1`]]);
    await expectDetected('edited', 1);
    // CO still records what it receives, but signs no checkpoint over the damage.
    const checkpointBefore = (await fed.get('CO', '/audit/checkpoint', 'auditor')).body.size;
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['CO']));
    await fed.waitFor(async () => (await fed.get('NL', `/notices/${sent.body.id}`, 'operator')).body.recipients[0].status === 'DELIVERED', 'NL to CO delivered');
    expect(await headSize()).toBeGreaterThan(size);
    await new Promise((r) => setTimeout(r, 3 * 2000)); // three checkpoint intervals (LIAISON_CHECKPOINT_EVERY_SECONDS=2)
    expect((await fed.get('CO', '/audit/checkpoint', 'auditor')).body.size).toBe(checkpointBefore);
    await restore([]);
    await expectRecovered();
    await fed.waitFor(async () => (await fed.get('CO', '/audit/checkpoint', 'auditor')).body.size === (await headSize()), 'checkpoints resume');
  });

  it('delete a middle entry', async () => {
    await save([4]);
    await superuser([['DELETE FROM ledger_entry WHERE seq = 4']]);
    await expectDetected('missing', 4);
    await restore([]);
    await expectRecovered();
  });

  it('delete the tail, with no traffic to CO', async () => {
    const size = await headSize();
    const tail = [size - 2, size - 1];
    await save(tail);
    await superuser([['DELETE FROM ledger_entry WHERE seq = ANY($1)', [tail]]]);
    await expectDetected('truncated', size - 2);
    await restore([]);
    await expectRecovered();
  });

  it('insert a forged entry at the next seq', async () => {
    const size = await headSize();
    await save([]);
    await superuser([
      [
        `INSERT INTO ledger_entry (seq, time, event, message_id, kind, counterpart, channel_sender, channel_recipient, channel_seq, digest, re, actor, reason, leaf_hash)
         SELECT $1, time, event, message_id, kind, counterpart, channel_sender, channel_recipient, channel_seq, digest, re, actor, reason, leaf_hash FROM ledger_entry WHERE seq = $2`,
        [size, size - 1],
      ],
    ]);
    await expectDetected('inserted', size);
    await restore([size]);
    await expectRecovered();
  });

  it('reorder two entries', async () => {
    await save([2, 3]);
    await superuser([
      ['UPDATE ledger_entry SET seq = 1000000000 WHERE seq = 2'],
      ['UPDATE ledger_entry SET seq = 2 WHERE seq = 3'],
      ['UPDATE ledger_entry SET seq = 3 WHERE seq = 1000000000'],
    ]);
    await expectDetected('reordered', 2);
    expect((await fed.get('CO', '/audit/integrity', 'auditor')).body.damage).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'reordered', seq: 3, detail: 'entry 3 holds the entry appended as 2' })]),
    );
    await restore([]);
    await expectRecovered();
  });
});
