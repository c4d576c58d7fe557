// Two agencies' ledgers after an exchange (queries, receipts, responses) written the way the
// exchange writes them; each exports a bundle; `liaison reconcile` proves, offline, that the
// exchange is complete and unaltered, and reports a missing receipt as a gap.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Logger } from '@nestjs/common';
import { run as reconcileCommand, reconcileFiles } from '../../apps/cli/src/commands/reconcile';
import { LedgerEventInput } from '../../apps/node/src/ledger/ledger.port';
import { tamper } from '../support/ledger-db';
import { digestOf } from '../support/ledger-fixtures';
import { LedgerFederation, LedgerNode, makeLedgerFederation } from '../support/ledger-nodes';
import { exportBundleTo } from '../support/ledger-export';

jest.setTimeout(120_000);

/** One message from `from` to `to`, recorded on both sides as the exchange does. */
class Exchange {
  private chseq = new Map<string, number>();
  constructor(private readonly nodes: Record<string, LedgerNode>) {}

  private next(s: string, r: string): number {
    const n = this.chseq.get(`${s}>${r}`) ?? 0;
    this.chseq.set(`${s}>${r}`, n + 1);
    return n;
  }

  async send(from: string, to: string, id: string, kind: string, re: string | null, options: { lost?: boolean; skipReceiverLog?: boolean } = {}): Promise<void> {
    const channel = { sender: from, recipient: to, seq: this.next(from, to) };
    const digest = digestOf(id);
    const sent: LedgerEventInput = { event: 'sent', messageId: id, kind, counterpart: to, channel, digest, re, actor: kind === 'receipt' ? null : `officer@${from}`, reason: null };
    await this.nodes[from].ledger.append(this.nodes[from].db.app.manager, [sent]);
    if (options.lost) return;
    const events: LedgerEventInput[] = [{ event: 'received', messageId: id, kind, counterpart: from, channel, digest, re, actor: null, reason: null }];
    if (kind === 'receipt' && re) events.push({ event: 'delivered', messageId: re, kind: null, counterpart: from, channel: null, digest: null, re: id, actor: null, reason: null });
    await this.nodes[to].ledger.append(this.nodes[to].db.app.manager, events);
    if (kind !== 'receipt') await this.send(to, from, `rcpt-${id}`, 'receipt', id, options.skipReceiverLog ? { lost: true } : {});
  }
}

describe('reconciliation of two agencies’ bundles (offline)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-reconcile-'));
  let f: LedgerFederation;
  let a: LedgerNode;
  let b: LedgerNode;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    f = await makeLedgerFederation(2, { everyEntries: 10, everySeconds: 3600, witnessQuorum: 1 }, 'reconcile');
    [a, b] = f.nodes;
    const x = new Exchange({ AG0: a, AG1: b });
    for (let i = 0; i < 6; i++) {
      await x.send('AG0', 'AG1', `q-${i}`, i % 2 ? 'location-query' : 'identity-query', null);
      if (i % 2 === 0) await x.send('AG1', 'AG0', `r-${i}`, 'response', `q-${i}`);
    }
    await x.send('AG1', 'AG0', 'q-b-0', 'identity-query', null);
    // The last receipt from AG1 for q-lost never reaches AG0: AG0 has no record of it.
    await x.send('AG0', 'AG1', 'q-lost', 'identity-query', null, { skipReceiverLog: true });
    for (const n of f.nodes) await n.checkpoints.checkpointNow();
    await f.route();
  });
  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('matches everything sent with its receipt, and reports the one receipt that never arrived as a gap', async () => {
    const fa = await exportBundleTo(dir, f, a, 'a');
    const fb = await exportBundleTo(dir, f, b, 'b');
    const r = await reconcileFiles(fa, fb, { root: f.fed.root.publicJwk });
    expect(r.bundles.map((x) => x.ok)).toEqual([true, true]);
    const aToB = r.reconciliation!.aToB;
    // AG0 sent 7 queries and 4 receipts (for 3 responses and AG1's query): all received.
    expect(aToB).toMatchObject({ sender: 'AG0', recipient: 'AG1', sent: 11, received: 11, matched: 11, notReceived: [], mismatches: [] });
    const bToA = r.reconciliation!.bToA;
    // AG1 sent 7 receipts, 3 responses and a query; AG0 lacks the receipt for q-lost (the last channel seq).
    expect(bToA).toMatchObject({ sent: 11, received: 10, matched: 10 });
    expect(bToA.notReceived).toEqual([expect.objectContaining({ channelSeq: 10, messageId: 'rcpt-q-lost' })]);
    expect(bToA.deliveredNotReceived).toEqual([]);
    expect(aToB.notDelivered).toEqual([expect.objectContaining({ messageId: 'q-lost' })]);
    expect(r.ok).toBe(false);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await reconcileCommand([fa, fb, '--root', JSON.stringify(f.fed.root.publicJwk)])).toBe(1);
      const text = String(write.mock.calls[0][0]);
      expect(text).toMatch(/AG1 → AG0: 11 sent, 10 received, 10 matched/);
      expect(text).toMatch(/sent but not received by AG0: channel seq 10 \(message rcpt-q-lost/);
    } finally {
      write.mockRestore();
    }
  });

  it('is clean over the range before the lost receipt, and flags a receipt deleted from one ledger', async () => {
    // Both ledgers up to the checkpoint taken before q-lost: every notice paired, nothing missing.
    const [[{ size: sizeA }], [{ size: sizeB }]] = [
      await a.db.app.query(`SELECT max(seq) + 1 AS size FROM ledger_entry WHERE message_id = 'q-b-0' OR re = 'q-b-0'`),
      await b.db.app.query(`SELECT max(seq) + 1 AS size FROM ledger_entry WHERE message_id = 'q-b-0' OR re = 'q-b-0'`),
    ];
    for (const n of f.nodes) await n.checkpoints.checkpointNow();
    const fa = await exportBundleTo(dir, f, a, 'a-clean', { to: Number(sizeA) });
    const fb = await exportBundleTo(dir, f, b, 'b-clean', { to: Number(sizeB) });
    const clean = await reconcileFiles(fa, fb, { root: f.fed.root.publicJwk });
    expect(clean.reconciliation?.ok).toBe(true);
    // Now AG0's record of one receipt is deleted in its database.
    await tamper(a.db, [`DELETE FROM ledger_entry WHERE message_id = 'rcpt-q-2' AND event = 'received'`]);
    const ft = await exportBundleTo(dir, f, a, 'a-tampered', { to: Number(sizeA) });
    const r = await reconcileFiles(ft, fb, { root: f.fed.root.publicJwk });
    expect(r.ok).toBe(false);
    expect(r.bundles[0].ok).toBe(false); // AG0's own bundle no longer verifies
    expect(r.bundles[0].firstBadEntry).toBeDefined();
    expect(r.reconciliation!.bToA.notReceived.map((m) => m.messageId)).toEqual(['rcpt-q-2']);
    expect(r.reconciliation!.bToA.recipientGaps.length).toBe(1);
  });
});
