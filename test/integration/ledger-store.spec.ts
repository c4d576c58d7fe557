// The ledger in a real PostgreSQL database: migrations, privileges and triggers, the sequencer
// under concurrency, proofs from the stored tree, and the startup self-check.
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { merkleRoot, entryLeafHash, verifyConsistency, verifyInclusion } from '@liaison/ledger';
import { LedgerService } from '../../apps/node/src/ledger/ledger.service';
import { Clock } from '../../apps/node/src/tokens';
import { createLedgerDatabase, tamper, TestDatabase } from '../support/ledger-db';
import { sampleEvents, SteppingClock } from '../support/ledger-fixtures';

jest.setTimeout(60_000);

describe('ledger store (PostgreSQL)', () => {
  let db: TestDatabase;
  let ledger: LedgerService;
  const clock: Clock = new SteppingClock();

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    db = await createLedgerDatabase('store', { poolSize: 12 });
    ledger = new LedgerService(db.app, clock);
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
    const report = await ledger.selfCheck();
    expect(report).toMatchObject({ ok: true, rows: 0, headSize: 0 });
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
    const head = await ledger.head();
    expect(head.size).toBe(300n);
    expect(Buffer.from(head.root)).toEqual(Buffer.from(merkleRoot(rows.map((r: { leaf_hash: Buffer }) => r.leaf_hash))));
    expect((await ledger.selfCheck()).ok).toBe(true);
  });

  it('rolls the entries back with the caller’s transaction', async () => {
    await expect(
      db.app.transaction(async (tx) => {
        await ledger.append(tx, sampleEvents(2, 'rolled-back'));
        throw new Error('notice refused');
      }),
    ).rejects.toThrow('notice refused');
    expect((await ledger.head()).size).toBe(300n);
  });

  it('refuses events that would not verify', async () => {
    await expect(ledger.append(db.app.manager, [{ ...sampleEvents(1, 'bad')[0], digest: 'NOT-HEX' }])).rejects.toThrow(/digest/);
  });

  it('serves inclusion and consistency proofs from stored nodes that verify', async () => {
    const leaves = (await db.app.query('SELECT leaf_hash FROM ledger_entry ORDER BY seq')).map((r: { leaf_hash: Buffer }) => r.leaf_hash);
    for (const size of [1, 255, 256, 257, 300]) {
      const root = await ledger.rootAt(BigInt(size));
      expect(Buffer.from(root)).toEqual(Buffer.from(merkleRoot(leaves, 0, size)));
      for (const seq of [0, Math.floor(size / 2), size - 1]) {
        expect(verifyInclusion(seq, size, leaves[seq], await ledger.inclusionProof(BigInt(seq), BigInt(size)), root)).toBe(true);
      }
      for (const from of [1, 100, 256].filter((f) => f <= size)) {
        const proof = await ledger.consistencyProof(BigInt(from), BigInt(size));
        expect(verifyConsistency(from, size, proof, merkleRoot(leaves, 0, from), root)).toBe(true);
      }
    }
    await expect(ledger.inclusionProof(0n, 301n)).rejects.toThrow(RangeError);
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
    expect((await ledger.head()).size).toBe(300n);
  });

  it('detects a rewritten row at startup, alerts without content and continues from what the rows say', async () => {
    const before = await ledger.head();
    await tamper(db, [`UPDATE ledger_entry SET counterpart = 'ZZ' WHERE seq = 42`]);
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const report = await ledger.selfCheck({ repair: true });
      expect(report.ok).toBe(false);
      expect(report.firstMismatch).toBe(42);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/LEDGER INTEGRITY ALERT/);
    expect(errors.join('\n')).not.toMatch(/ZZ/);
    const after = await ledger.head();
    expect(after.size).toBe(before.size);
    expect(Buffer.from(after.root)).not.toEqual(Buffer.from(before.root));
    // The repaired head is the root of the entries as they now read.
    const entries = [];
    for await (const { entry } of ledger.entries(0n, after.size)) entries.push(entryLeafHash(entry));
    expect(Buffer.from(after.root)).toEqual(Buffer.from(merkleRoot(entries)));
    // Appends go on.
    await ledger.append(db.app.manager, sampleEvents(1, 'after'));
    expect((await ledger.head()).size).toBe(301n);
  });

  it('runs as a different connection than the superuser (sanity)', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    const { rows } = await client.query('SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su');
    await client.end();
    expect(rows[0]).toEqual({ current_user: `${db.name}_app`, su: false });
  });
});
