// The ledger in a real PostgreSQL database: migrations, privileges and triggers, the sequencer
// under concurrency, proofs from the stored tree, and the self-audit that reports and never repairs.
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AgencyKeyring, generateAgencyKeys } from '@liaison/envelope';
import { merkleRoot, verifyConsistency, verifyInclusion } from '@liaison/ledger';
import { federationTopics } from '@liaison/transport';
import { LedgerProofs } from '../../apps/node/src/ledger/ledger.proofs';
import { LedgerSequencer } from '../../apps/node/src/ledger/ledger.sequencer';
import { LedgerIntegrity } from '../../apps/node/src/ledger/ledger.integrity';
import { createLedgerDatabase, tamper, TestDatabase } from '../support/ledger-db';
import { MemoryPublisher, sampleEvents, SteppingClock } from '../support/ledger-fixtures';
import { ledgerServices, TEST_SELF_AUDIT } from '../support/ledger-nodes';

jest.setTimeout(60_000);

describe('ledger store (PostgreSQL)', () => {
  let db: TestDatabase;
  let ledger: LedgerSequencer;
  let proofs: LedgerProofs;
  let integrity: LedgerIntegrity;
  const clock = new SteppingClock();

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    db = await createLedgerDatabase('store', { poolSize: 12 });
    const keyring = await AgencyKeyring.import(await generateAgencyKeys('EE'));
    const config = { agency: 'EE', checkpoint: { everyEntries: 1000, everySeconds: 10, witnessQuorum: 0 }, selfAudit: TEST_SELF_AUDIT };
    ({ ledger, proofs, integrity } = ledgerServices(db, clock, config, keyring, null as never, federationTopics('store'), new MemoryPublisher()));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migrates an empty database, and a second run has nothing to do', async () => {
    expect(await db.migrate()).toEqual([]);
    const tables = await db.owner.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE ANY ('{ledger_%,witness_%}') ORDER BY 1`);
    expect(tables.map((t: { tablename: string }) => t.tablename)).toEqual([
      'ledger_checkpoint',
      'ledger_cosignature',
      'ledger_entry',
      'ledger_head',
      'ledger_node',
      'witness_alert',
      'witness_state',
    ]);
    expect(await integrity.auditNow()).toMatchObject({ ok: true, checkedEntries: 0, headSize: 0 });
  });

  it('appends from concurrent transactions as one gapless sequence', async () => {
    const writers = Array.from({ length: 10 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 10; i++) {
          await db.app.transaction((tx) => ledger.append(tx, sampleEvents(3, `w${w}-${i}`)));
        }
      })(),
    );
    await Promise.all(writers);
    const rows = await db.app.query('SELECT seq, leaf_hash FROM ledger_entry ORDER BY seq');
    expect(rows.map((r: { seq: string }) => Number(r.seq))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const head = await proofs.head();
    expect(head.size).toBe(300n);
    expect(Buffer.from(head.root)).toEqual(Buffer.from(merkleRoot(rows.map((r: { leaf_hash: Buffer }) => r.leaf_hash))));
    expect((await integrity.auditNow()).ok).toBe(true);
    // Appenders that waited for the head lock saw their predecessors' rows: no false damage.
    expect(integrity.status().damage).toEqual([]);
  });

  it('rolls the entries back with the caller’s transaction', async () => {
    await expect(
      db.app.transaction(async (tx) => {
        await ledger.append(tx, sampleEvents(2, 'rolled-back'));
        throw new Error('notice refused');
      }),
    ).rejects.toThrow('notice refused');
    expect((await proofs.head()).size).toBe(300n);
  });

  it('refuses events that would not verify', async () => {
    await expect(ledger.append(db.app.manager, [{ ...sampleEvents(1, 'bad')[0], digest: 'NOT-HEX' }])).rejects.toThrow(/digest/);
  });

  it('serves inclusion and consistency proofs from stored nodes that verify', async () => {
    const leaves = (await db.app.query('SELECT leaf_hash FROM ledger_entry ORDER BY seq')).map((r: { leaf_hash: Buffer }) => r.leaf_hash);
    for (const size of [1, 255, 256, 257, 300]) {
      const root = await proofs.rootAt(BigInt(size));
      expect(Buffer.from(root)).toEqual(Buffer.from(merkleRoot(leaves, 0, size)));
      for (const seq of [0, Math.floor(size / 2), size - 1]) {
        expect(verifyInclusion(seq, size, leaves[seq], await proofs.inclusionProof(BigInt(seq), BigInt(size)), root)).toBe(true);
      }
      for (const from of [1, 100, 256].filter((f) => f <= size)) {
        const proof = await proofs.consistencyProof(BigInt(from), BigInt(size));
        expect(verifyConsistency(from, size, proof, merkleRoot(leaves, 0, from), root)).toBe(true);
      }
    }
    await expect(proofs.inclusionProof(0n, 301n)).rejects.toThrow(RangeError);
  });

  it('gives the app role SELECT and INSERT only: no UPDATE, DELETE or TRUNCATE', async () => {
    for (const sql of ['UPDATE ledger_entry SET actor = $$x$$ WHERE seq = 1', 'DELETE FROM ledger_entry WHERE seq = 1', 'TRUNCATE ledger_entry']) {
      await expect(db.app.query(sql)).rejects.toMatchObject({ code: '42501' }); // insufficient_privilege
    }
    for (const sql of ['DELETE FROM ledger_head', 'UPDATE ledger_checkpoint SET note = $$x$$', 'DELETE FROM ledger_node']) {
      await expect(db.app.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE by the owner too (triggers)', async () => {
    for (const sql of ['UPDATE ledger_entry SET actor = $$x$$ WHERE seq = 1', 'DELETE FROM ledger_entry WHERE seq = 1', 'TRUNCATE ledger_entry', 'TRUNCATE ledger_entry CASCADE']) {
      await expect(db.owner.query(sql)).rejects.toThrow(/append-only/);
    }
    expect((await proofs.head()).size).toBe(300n);
  });

  it('names a rewritten row without content, changes nothing, and stops nothing but checkpoints', async () => {
    const before = await proofs.head();
    await tamper(db, [`UPDATE ledger_entry SET counterpart = 'ZZ' WHERE seq = 42`]);
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const report = await integrity.auditNow();
      expect(report).toMatchObject({ ok: false, headSize: 300, damage: [{ kind: 'edited', seq: 42 }] });
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/LEDGER INTEGRITY ALERT: edited at 42/);
    expect(errors.join('\n')).not.toMatch(/ZZ/);
    // Never repaired: the head still commits to what was appended.
    const after = await proofs.head();
    expect(after.size).toBe(before.size);
    expect(Buffer.from(after.root)).toEqual(Buffer.from(before.root));
    expect(integrity.damaged()).toBe(true);
    // Appends go on (the exchange keeps working); the damage stays reported.
    await ledger.append(db.app.manager, sampleEvents(1, 'after'));
    expect((await proofs.head()).size).toBe(301n);
    expect((await integrity.auditNow()).damage).toEqual([expect.objectContaining({ kind: 'edited', seq: 42 })]);
  });

  it('runs as a different connection than the superuser (sanity)', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    const { rows } = await client.query('SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su');
    await client.end();
    expect(rows[0]).toEqual({ current_user: `${db.name}_app`, su: false });
  });
});
