// Tampering done directly in PostgreSQL as a superuser (triggers bypassed), detected offline by
// `liaison verify` on an exported audit bundle, which names the entry.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Logger } from '@nestjs/common';
import { run as verifyCommand, verifyBundleFile } from '../../apps/cli/src/commands/verify';
import { tamper } from '../support/ledger-db';
import { exportBundleTo } from '../support/ledger-export';
import { sampleEvents } from '../support/ledger-fixtures';
import { LedgerFederation, LedgerNode, makeLedgerFederation } from '../support/ledger-nodes';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));

const exportBundle = (f: LedgerFederation, node: LedgerNode, name: string, range: { from?: number; to?: number } = {}) => exportBundleTo(dir, f, node, name, range);

/** An origin AG0 with 40 entries, witnessed by AG1 and AG2; `dense`: a signed checkpoint after every entry. */
async function witnessedLog(label: string, dense: boolean): Promise<LedgerFederation> {
  const f = await makeLedgerFederation(3, { everyEntries: 1000, everySeconds: 3600, witnessQuorum: 2 }, label);
  const origin = f.nodes[0];
  if (dense) {
    for (let i = 0; i < 40; i++) {
      await origin.ledger.append(origin.db.app.manager, sampleEvents(1, `${label}-${i}`).map((e) => ({ ...e, channel: { sender: 'AG0', recipient: 'AG1', seq: i } })));
      await origin.checkpoints.checkpointNow();
    }
  } else {
    await origin.ledger.append(origin.db.app.manager, sampleEvents(20, `${label}-a`));
    await origin.checkpoints.checkpointNow();
    await origin.ledger.append(origin.db.app.manager, sampleEvents(20, `${label}-b`));
    await origin.checkpoints.checkpointNow();
  }
  await f.route();
  expect(await origin.checkpoints.status()).toMatchObject({ size: 40, witnessed: true });
  return f;
}

const ENTRY_COLS = 'time, event, message_id, kind, counterpart, channel_sender, channel_recipient, channel_seq, digest, re, actor, reason, leaf_hash';

const scenarios: { name: string; sql: string[]; seq: number; dense: boolean }[] = [
  { name: 'change one field of one entry', sql: [`UPDATE ledger_entry SET counterpart = 'AG2' WHERE seq = 17`], seq: 17, dense: true },
  { name: 'change one field (sparse checkpoints: the stored leaf hashes name it)', sql: [`UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = 13`], seq: 13, dense: false },
  { name: 'delete the last entries', sql: ['DELETE FROM ledger_entry WHERE seq >= 37'], seq: 37, dense: true },
  { name: 'delete an entry in the middle', sql: ['DELETE FROM ledger_entry WHERE seq = 20'], seq: 20, dense: true },
  {
    name: 'swap two entries',
    sql: ['UPDATE ledger_entry SET seq = 1000 WHERE seq = 11', 'UPDATE ledger_entry SET seq = 11 WHERE seq = 25', 'UPDATE ledger_entry SET seq = 25 WHERE seq = 1000'],
    seq: 11,
    dense: true,
  },
  {
    name: 'insert a forged entry',
    sql: [
      'UPDATE ledger_entry SET seq = seq + 1000000 WHERE seq >= 30',
      'UPDATE ledger_entry SET seq = seq - 999999 WHERE seq >= 1000000',
      `INSERT INTO ledger_entry (seq, ${ENTRY_COLS}) SELECT 30, ${ENTRY_COLS} FROM ledger_entry WHERE seq = 29`,
    ],
    seq: 30,
    dense: true,
  },
];

describe('tampering in PostgreSQL is detected offline by `liaison verify`', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => process.env.KEEP_BUNDLES ? undefined : rmSync(dir, { recursive: true, force: true }));

  it('verifies an honest bundle (exit 0), with keys pinned to the federation root', async () => {
    const f = await witnessedLog('honest', true);
    try {
      const file = await exportBundle(f, f.nodes[0], 'honest');
      const report = await verifyBundleFile(file, { root: f.fed.root.publicJwk });
      expect(report).toMatchObject({ ok: true, treeSize: 40, entries: 40, full: true, keysPinned: true, keySource: { kind: 'directory' } });
      expect(report.cosignatures).toMatchObject({ valid: 2, required: 2 });
      expect(report.checkpoint.intermediate).toBe(39);
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await verifyCommand([file, '--root', JSON.stringify(f.fed.root.publicJwk)])).toBe(0);
        expect(String(write.mock.calls[0][0])).toMatch(/RESULT: OK/);
        expect(await verifyCommand([file, '--json'])).toBe(0);
        expect(JSON.parse(String(write.mock.calls[1][0]))).toMatchObject({ ok: true, treeSize: 40 });
        // A range of the log: inclusion proofs instead of the whole tree.
        const part = await exportBundle(f, f.nodes[0], 'honest-part', { from: 10, to: 25 });
        const partial = await verifyBundleFile(part, { root: f.fed.root.publicJwk });
        expect(partial).toMatchObject({ ok: true, full: false, entries: 15, treeSize: 25 }); // the smallest witnessed checkpoint covering the range
      } finally {
        write.mockRestore();
      }
    } finally {
      await f.close();
    }
  });

  for (const s of scenarios) {
    it(`detects: ${s.name} (names seq ${s.seq})`, async () => {
      const f = await witnessedLog(`t${scenarios.indexOf(s)}`, s.dense);
      try {
        await tamper(f.nodes[0].db, s.sql);
        const file = await exportBundle(f, f.nodes[0], `tampered-${scenarios.indexOf(s)}`);
        const report = await verifyBundleFile(file, { root: f.fed.root.publicJwk });
        expect(report.ok).toBe(false);
        if (report.firstBadEntry?.seq !== s.seq) console.log(JSON.stringify(report, null, 1));
        expect(report.firstBadEntry?.seq).toBe(s.seq);
        const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
        try {
          expect(await verifyCommand([file])).toBe(1);
          const text = String(write.mock.calls[0][0]);
          expect(text).toMatch(new RegExp(`FIRST ENTRY THAT DOES NOT MATCH: seq ${s.seq}\\b`));
          expect(text).toMatch(/RESULT: FAILED/);
        } finally {
          write.mockRestore();
        }
        // Nothing personal in the report: digests and metadata only (the bundle never held content).
        expect(readFileSync(file, 'utf8')).not.toMatch(/"body"|"content"/);
      } finally {
        await f.close();
      }
    });
  }
});
